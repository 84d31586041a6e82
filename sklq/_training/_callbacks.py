"""skorch callbacks used by the command line."""

import time

from skorch.callbacks import Callback


class TimeBudget(Callback):
    """End training when the next epoch would run past ``seconds``.

    After each epoch the mean epoch duration so far predicts the next one; when finishing
    it would pass the budget, training stops (skorch's ``KeyboardInterrupt`` protocol, as
    ``EarlyStopping``), so a run ends within the budget, epochs complete.

    Parameters
    ----------
    seconds : float
        Wall-clock budget of ``fit``.
    sink : callable, default=print
        Receives the message when training is stopped; None for silence.

    Attributes
    ----------
    stopped_ : bool
        Whether the budget ended the last training run.
    """

    def __init__(self, seconds, sink=print):
        self.seconds = seconds
        self.sink = sink

    def on_train_begin(self, net, **kwargs):
        self.start_ = time.perf_counter()
        self.stopped_ = False

    def on_epoch_end(self, net, **kwargs):
        elapsed = time.perf_counter() - self.start_
        per_epoch = elapsed / len(net.history)
        if len(net.history) < net.max_epochs and elapsed + per_epoch > self.seconds:
            self.stopped_ = True
            if self.sink is not None:
                loss = net.history[-1].get("train_loss", float("nan"))
                self.sink(
                    f"Time budget of {self.seconds / 60:g} min reached after epoch "
                    f"{len(net.history)} (train_loss {loss:.4f}, {elapsed:.0f} s): stopping."
                )
            raise KeyboardInterrupt
