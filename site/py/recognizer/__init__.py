"""Drawn-digit recognizer: preprocessing, the networks' forward pass, the vote and the chart.

Pure Python and NumPy, so the same code runs natively (training, tests) and in the browser (Pyodide).
"""
