"""Peer solvers to benchmark against: ``python -m solver bench --peer fet``.

``solver.peers.fet`` projects an instance (with our engine's sessions) to
FET's ``.fet`` format, runs ``fet-cl`` and reads its timetable back;
``solver.peers.ours`` solves the same projected problem on our side;
``solver.peers.bench`` runs both side by side.
"""

from solver.peers.bench import command_peer_bench

__all__ = ["command_peer_bench"]
