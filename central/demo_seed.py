"""seed-demo: loads central.sample's offices, staff, catalogue, dossiers and ratings."""


def seed(engine) -> str:
    raise NotImplementedError


def hints() -> str:
    return ""
