"""Dossier connectors: the server reads dossiers from the province's systems (issue 16).

Declared in central.ini as [connector:NAME] sections (central.connectors.settings), checked as a
whole (central.connectors.config), read by a source of each kind (central.connectors.sources:
OpenCPS, the exchange platform's DongBoHoSoMC shape, any JSON list with a field map), stored a page
at a time by one pass (central.connectors.sync), run in the background by one server process at a
time (central.connectors.runner), and asked directly for a dossier a kiosk looks up
(central.connectors.live). Devices never talk to a source: the server does.
"""
