"""Text analytics for the embedpython sample service.

Pure standard library, so the modules import in own-GIL sub-interpreters. ``analyze`` computes text statistics;
``render`` fills ``string.Template`` templates. Both return plain dicts, which reach Java as ``Map``s.
"""
