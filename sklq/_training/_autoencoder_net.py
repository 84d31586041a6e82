"""skorch ``NeuralNet`` for autoencoders: the reconstruction target is ``X``, the latent
loss terms come from the latent module."""

from skorch.utils import to_device

from ._net import LatentNet


class AutoencoderNet(LatentNet):
    """Reconstruct ``X`` with the criterion; add the latent module's weighted loss terms."""

    def get_loss(self, y_pred, y_true, X=None, training=False):
        latent_output, reconstruction = y_pred
        target = to_device(X, self.device)
        terms = {"reconstruction": self.criterion_(reconstruction, target),
                 **self.module_.latent.regularization_losses(latent_output)}
        loss = self.weighted_loss(terms)
        if training:
            self.record_loss_terms(terms)
        return loss
