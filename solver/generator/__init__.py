"""Instance generator: districts built around a witness timetable.

    from solver.generator import generate
    scenario = generate("district", seed=1)
    scenario.instance, scenario.witness, scenario.coverage_bound, scenario.notes

Scenarios: ``tiny`` (unit tests), ``school`` (one school), ``district`` (30
schools of Rotterdam-Zuid, ~8,000 pupils), ``tight`` (coach minutes ~5% over
need), ``short`` (provably short: the bound is stated and met) and ``city``
(five districts). From the command line::

    python -m solver generate --scenario district --seed 1 -o district.json --witness w.json
"""

from solver.generator.bound import CoverageBound, sport_room_bound
from solver.generator.build import GenerationError
from solver.generator.command import command_generate
from solver.generator.scenarios import SCENARIOS, GeneratedScenario, generate

__all__ = [
    "SCENARIOS",
    "CoverageBound",
    "GeneratedScenario",
    "GenerationError",
    "command_generate",
    "generate",
    "sport_room_bound",
]
