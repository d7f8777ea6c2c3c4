"""`motcua-central`'s parser is built one command group at a time (central/cli.py, `_*_commands`):
together the groups make every command, each command once, each with its help and its handler."""

import argparse

from central import cli


def _commands(parser: argparse.ArgumentParser) -> dict:
    [action] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return action.choices


def test_each_command_group_builds_its_own_commands():
    groups = [
        cli._server_commands,
        cli._admin_commands,
        cli._device_commands,
        cli._people_commands,
        cli._data_commands,
        cli._sync_commands,
        cli._callback_commands,
        cli._report_commands,
        cli._demo_commands,
    ]
    made = []
    for add in groups:
        parser = argparse.ArgumentParser()
        add(parser.add_subparsers())
        made.append(set(_commands(parser)))
        assert made[-1], add.__name__
    everything = _commands(cli.build_parser())
    assert sorted(c for group in made for c in group) == sorted(everything)
    assert {
        "init",
        "serve",
        "admin",
        "device",
        "office",
        "staff",
        "import",
        "procedure",
        "export",
        "callbacks",
        "seed-demo",
        "demo-hints",
        "sync",
        "report",
    } <= set(everything)
    for name, command in everything.items():
        inner = [a for a in command._actions if isinstance(a, argparse._SubParsersAction)]
        leaves = inner[0].choices.values() if inner else [command]
        for leaf in leaves:
            assert callable(leaf.get_default("func")), (name, leaf.prog)
    assert cli.build_parser().parse_args(["staff", "move", "7", "--office", "XA-A"]).func is cli.cmd_staff_move
    assert cli.build_parser().parse_args(["sync", "procedures"]).func is cli.cmd_sync_procedures
