"""``python -m dse_repro.summaries {groundtruth,zoo} --input <table>.csv --out <summary>.csv``."""
from dse_repro.summaries import main

main()
