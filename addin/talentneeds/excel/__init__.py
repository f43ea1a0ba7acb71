"""The Excel-facing side: cell values in, model calls, cell values out.

:mod:`~talentneeds.excel.cells` turns what Excel passes (numbers, text, booleans,
dates as serial numbers or datetimes, blanks, ranges as lists) into model values with
errors that name the argument; :mod:`~talentneeds.excel.boundary` declares each Excel
function once for every runtime and turns errors into Excel-style errors.
"""
