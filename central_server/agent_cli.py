"""`central-server agent …`: add and list the counter agents of an annex."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TextIO

from central_server.agents import AgentError, add_agent, list_agents
from central_server.config import ServerConfig


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `agent` subcommand and its own subcommands."""
    agent = commands.add_parser("agent", help="counter agents (the counter page's sign-in)")
    actions = agent.add_subparsers(dest="agent_command", required=True)
    add = actions.add_parser(
        "add",
        help="add an agent; the PIN (6 to 12 digits) is asked for, or read from standard input",
    )
    add.add_argument("name", help="sign-in name: lower-case letters, digits, '.', '_', '-'")
    add.add_argument("--annex", required=True, help="the annex whose counters the agent staffs")
    actions.add_parser("list", help="list agents (names and annexes, never PINs)")


def _read_pin(stdin: TextIO) -> str:
    """Asked twice at a terminal (nothing echoed); one line from a pipe otherwise."""
    if stdin.isatty():
        pin = getpass.getpass("PIN (6 to 12 digits): ")
        if getpass.getpass("PIN again: ") != pin:
            raise AgentError("the two PINs differ; nothing was added")
        return pin
    return stdin.readline().strip()


def run(args: argparse.Namespace, config: ServerConfig, stdin: TextIO = sys.stdin) -> int:
    from central_server.app import prepare_database

    database = prepare_database(config)
    if args.demo_data:
        from central_server.demo_data import seed_demo_data

        seed_demo_data(database)
    try:
        if args.agent_command == "add":
            pin = _read_pin(stdin)
            with database.write() as connection:
                add_agent(connection, args.name, args.annex, pin)
            print(f"agent {args.name} added to {args.annex}")
            return 0
        with database.read() as connection:
            rows = list_agents(connection)
    except AgentError as exc:
        print(f"central-server agent: {exc}", file=sys.stderr)
        return 2
    if not rows:
        print("no agents")
    for row in rows:
        state = f" (disabled {row['disabled_at']})" if row["disabled_at"] else ""
        print(f"{row['annex_id']}\t{row['name']}\tadded {row['created_at']}{state}")
    return 0
