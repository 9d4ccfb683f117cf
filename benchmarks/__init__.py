"""Benchmarks (``make bench``): each reports ratios against a baseline run alongside it.

Machines are noisy, so no absolute number is a goal: each benchmark times the feature and
a baseline doing the nearest thing without it, in the same run, and reports the ratio.
Results go to ``benchmarks/results/<name>.json``; docs/PERFORMANCE.md summarizes them.
"""
