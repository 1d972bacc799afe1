"""Importing a district's rosters from Excel workbooks.

* :mod:`~schools.importing.reading` opens a workbook safely and reads its sheets;
* :mod:`~schools.importing.kinds` names the sheet kinds, their columns and aliases;
* :mod:`~schools.importing.values` reads cells as people type them;
* :mod:`~schools.importing.services` holds ``roster_import``, the one way in;
* :mod:`~schools.importing.report` is what an import found;
* :mod:`~schools.importing.workbooks` writes the template and the demo workbooks.
"""
