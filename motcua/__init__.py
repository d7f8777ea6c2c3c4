"""motcua: the shared core of the kiosk, the rating tablet and the central server."""

# The one version of the project: setup.py reads it, the apps send it in every heartbeat, the
# server shows it in /openapi.json and on the dashboard's device list.
__version__ = "0.1.0"
