"""The disentanglement metrics: one registry of their names, labels, meanings and sources."""

from typing import NamedTuple


class Metric(NamedTuple):
    label: str  #: short name in tables
    meaning: str  #: what it measures (1 is best)
    family: str  #: the function computing it: "infomec", "dci" or "mig"
    attribute: str | None  #: its attribute of the family's result (None: the result itself)


#: metric name -> Metric. The order is the order of every table (``sklq.evaluate``, the
#: command line's report) and of the scorers.
METRICS = {
    "infom": Metric("InfoM", "modularity: does each latent capture one factor only?",
                    "infomec", "infom"),
    "infoc": Metric("InfoC", "compactness: is each factor captured by one latent only?",
                    "infomec", "infoc"),
    "infoe": Metric("InfoE",
                    "explicitness: how well a linear model reads the factors off the latents",
                    "infomec", "infoe"),
    "dci_disentanglement": Metric(
        "DCI D", "disentanglement: does each latent matter for one factor?", "dci",
        "disentanglement"),
    "dci_completeness": Metric("DCI C", "completeness: is each factor predicted by one latent?",
                               "dci", "completeness"),
    "dci_informativeness": Metric(
        "DCI I", "informativeness: held-out accuracy of boosted trees", "dci",
        "informativeness"),
    "mig": Metric("MIG", "gap between the two latents most informative about each factor",
                  "mig", None),
}
#: the metrics with a chance-adjusted scorer ``<name>_adjusted``
ADJUSTED_SCORERS = ("infom", "infoc", "infoe", "mig")
