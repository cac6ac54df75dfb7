"""Decision support: certified selection, scenario discovery (PRIM), Sobol indices, optimisation.

Pure functions over arrays and callables; the experiment engine wires them in.
"""
