"""LibreOffice Calc: our Excel functions as a Calc add-in, and LibreOffice as a second engine.

* :mod:`.oxt` -- the add-in (.oxt) generated from the functions' :class:`FunctionSpec`
  (the metadata every other runtime uses): UNO IDL -> type library, CalcAddIns.xcu, the
  Python component, manifest and description; and installing it with ``unopkg``.
* :mod:`.component` -- the Python UNO component shipped inside the .oxt (runs inside
  LibreOffice; imports ``uno``, so it is never imported here).
* :mod:`.office` -- finding LibreOffice, a throw-away profile with the add-in installed,
  and one headless ``soffice`` converting many workbooks (recalculating every formula).
* :mod:`.engine` -- ``compute --engine libreoffice``: LibreOffice's values for every
  formula cell, stored into a copy of the input by the same writer the default engine uses.
"""
