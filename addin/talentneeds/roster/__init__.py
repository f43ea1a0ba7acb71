"""Rosters: one vocabulary (:mod:`.schema`) and one value grammar (:mod:`.values`) for the
Excel functions' roster argument and for ``import-roster``.

The Excel functions import only :mod:`.schema` and :mod:`.values`, which need nothing but
the standard library (they run in Pyodide); reading files (:mod:`.read`, :mod:`.text`),
parsing an HR export (:mod:`.parse`), the Staff table's XML (:mod:`.staff_table`,
:mod:`.write`) and the import itself (:mod:`.importer`) are for the command line. This
module imports nothing, so that importing the grammar pulls in nothing else.
"""
