"""Analysis of a sweep's results folder: outcome probabilities, time to event, envelopes,
global sensitivity (SALib), scenario discovery (EMA Workbench PRIM), figures and a report.

It reads only what ``abm sweep`` wrote (docs/schema.md); it never imports a model's
internals. Entry points: ``load.load(DIR)``, ``report.write_report(DIR)``,
``figures.make_figures(results, OUT)``; the EMA Workbench connector is ``ema.ema_model``.
See docs/analysis.md.
"""
