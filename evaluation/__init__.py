"""Measuring the networks and the page: the report, drawn digits, training speed and page speed.

Everything here runs the recognizer package the browser runs (site/py/recognizer), so every figure is a
figure of the shipped code. `python -m evaluation --help` lists the commands.
"""
