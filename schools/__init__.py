"""Master data of a district: schools, venues, rooms, classes, pupils, coaches, activities.

House rule: this app never imports ``schedules`` or ``solver``.
"""
