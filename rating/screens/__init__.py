"""The tablet's screens: idle, rate, reasons, dossier, thanks (citizen side); signin, admin (staff side)."""
