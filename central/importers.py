"""Imports of procedures and dossiers: validate the whole file first, then write it in one go."""
PROCEDURE_HELP = "Import procedures (national-portal JSON or CSV)."
DOSSIER_HELP = "Import dossiers (JSON list or CSV)."


class ImportProblems(Exception):
    """Every problem found in a file, one per line."""
