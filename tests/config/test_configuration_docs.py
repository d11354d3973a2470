"""The README's Configuration table is the list of settings whoever runs the site can set
(docs/deploying.md: "The README's Configuration table lists every setting")."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_DIR = ROOT / "config" / "settings"
# How the settings read a variable: os.environ.get("NAME", ...), env_bool("NAME", ...) ...
ENVIRONMENT_READ = re.compile(
    r"""(?:os\.environ\.get|env_bool|env_int|env_list)\(\s*"([A-Z0-9_]+)\""""
)
# Read by the libraries the settings call rather than by name in them.
READ_ELSEWHERE = {
    "DJANGO_SETTINGS_MODULE": "manage.py and config/wsgi.py",
}


def variables_the_settings_read() -> set[str]:
    names = set()
    for path in SETTINGS_DIR.glob("*.py"):
        names.update(ENVIRONMENT_READ.findall(path.read_text()))
    return names


def variables_the_readme_lists() -> set[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            first_column = line.split("|")[1]
            names.update(re.findall(r"`([A-Z0-9_]+)`", first_column))
    return names


def test_every_variable_the_settings_read_is_in_the_readme_configuration_table():
    missing = variables_the_settings_read() - variables_the_readme_lists()
    assert not missing, f"Not in README.md's Configuration table: {sorted(missing)}"


def test_every_variable_in_the_readme_configuration_table_is_read_by_the_settings():
    unknown = variables_the_readme_lists() - variables_the_settings_read() - set(READ_ELSEWHERE)
    assert not unknown, f"README.md names settings nothing reads: {sorted(unknown)}"


def test_a_value_quoted_as_the_deployment_guide_shows_reaches_cron_unchanged(tmp_path):
    """docs/deploying.md: the environment file is read by systemd and by the shell (cron,
    upgrades), so a value with spaces, <, >, &, ; or $ goes in quotes as DEFAULT_FROM_EMAIL's
    does. In double quotes the shell still expands `$`: a database or mailbox password with
    one in it reached the site (systemd) whole and every cron line cut short."""
    import subprocess

    guide = (ROOT / "docs" / "deploying.md").read_text()
    example = re.search(r"^DEFAULT_FROM_EMAIL=(.)", guide, re.MULTILINE)
    assert example, "docs/deploying.md no longer shows a quoted DEFAULT_FROM_EMAIL"
    quote = example.group(1)
    value = "pa$word&<that> has; spaces"
    env_file = tmp_path / "upstander.env"
    env_file.write_text(f"EMAIL_HOST_PASSWORD={quote}{value}{quote}\n")
    result = subprocess.run(
        ["bash", "-c", f'set -a; . {env_file}; set +a; printf %s "$EMAIL_HOST_PASSWORD"'],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert result.stdout == value


def test_the_deployment_guides_request_timeout_is_below_the_lrs_consistency_margin():
    """The LRS says its statements are complete up to XAPI_CONSISTENT_THROUGH_MARGIN_SECONDS
    ago, which must stay above the web server's request timeout (README, docs/xapi.md): the
    guide's gunicorn command gave a timeout equal to the margin, so a write stamped at the
    start of the longest request could commit after a tool had read past it."""
    base = (SETTINGS_DIR / "base.py").read_text()
    margin = re.search(r'env_int\(\s*"XAPI_CONSISTENT_THROUGH_MARGIN_SECONDS", (\d+)', base)
    assert margin, "config/settings/base.py no longer reads the margin with env_int"
    guide = (ROOT / "docs" / "deploying.md").read_text()
    timeouts = [int(seconds) for seconds in re.findall(r"--timeout (\d+)", guide)]
    assert timeouts, "docs/deploying.md no longer gives gunicorn a --timeout"
    assert max(timeouts) < int(margin.group(1))
