import pytest


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    """Seeding writes the demo gazetteer under VAR_DIR: a test's own directory, not var/."""
    settings.VAR_DIR = tmp_path
    return tmp_path
