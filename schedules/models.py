"""Solve runs and schedule versions with their sessions; filled by a later issue.

``schedules`` may import ``schools`` and ``solver``; neither imports it.
"""
