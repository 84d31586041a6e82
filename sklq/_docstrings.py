"""Docstring text shared across sklq: one registry, one substitution helper.

A docstring line that holds only ``{name}`` (after its indentation) is replaced by the entry
``name`` of :data:`SHARED`, every line of it indented like the placeholder (entries may hold
placeholders too). ``fill_doc(field=value, ...)`` also replaces the named ``{field}``s, so
one entry serves siblings that differ in a word. Nothing else in a docstring is touched, so
braces in ordinary text (``{"auto", "mlp"}``) need no escaping.
"""

import re

_PLACEHOLDER = re.compile(r"^(?P<indent>[ ]*)\{(?P<name>\w+)\}[ ]*$", flags=re.M)

#: Shared numpydoc entries (parameters, attributes), without indentation.
SHARED = {
    "squares_qlae_example": """\
>>> from sklq import LatentQuantizedAutoencoder
>>> from sklq.datasets import make_squares
>>> X, _ = make_squares(image_size=16, random_state=0)
>>> qlae = LatentQuantizedAutoencoder(3, n_values_per_latent=5, max_epochs=1,
...                                   random_state=0).fit(X[:200])  # a quick fit""",
    "png_folder_parameters": """\
path : str or path-like
    The ``{folder}`` folder the authors' archive unpacks to: ``images/000000.png``, ...
    (RGB, 128 x 128; any square size is resized) and ``{labels}`` (a NumPy array file
    whatever its extension: ``({n_images}, {n_factors})`` float64 factor values, row ``i``
    for image ``i``). A folder with fewer images and as many label rows loads too.
image_size : {64, 128}, default=64
    Height and width of the images returned: 64 is the paper's (bicubic with
    antialiasing, as Pillow shrinks images), 128 the files' own.
dtype : {"uint8", "float32"}, default="uint8"
    ``uint8`` images in [0, 255], ``float32`` in [0, 1].
n_samples : int or None, default=None
    Number of images drawn uniformly without replacement; ``None`` loads all, in the
    file's order.
random_state : int, numpy.random.Generator, numpy.random.RandomState or None
    Seed of the sample.
return_info : bool, default=False
    Also return a dict with ``factor_names``, ``factor_sizes`` and ``values`` (the
    label rows of the images returned, float64).
cache : bool or path-like, default=True
    ``True``: convert the folder once, for this ``image_size``, into
    ``sklq-cache/images_<size>.npy`` inside ``path`` (resumable, atomic; a progress
    bar on stderr) and read the images from it, now and on later calls; a path puts
    the cache there instead (for a read-only data folder). ``False``: decode just the
    images requested, write nothing.
mmap_mode : {"r", None}, default="r"
    With the cache, all images and ``dtype="uint8"``, ``"r"`` returns the cache's
    read-only memory map (nothing is read until used; sklq's estimators train on it
    without copying it); ``None`` reads it into memory.
n_jobs : int or None, default=None
    Threads decoding PNGs; None uses every core.
progress : bool, default=True
    Draw the conversion's progress bar.

Returns
-------
X : ndarray or read-only memory map of shape (n, 3, image_size, image_size)
    The images.
factors : ndarray of shape (n, {n_factors}), dtype int64
    Factor indices, the rank of each value among its column's values: {factor_list}.
info : dict
    Only when ``return_info`` is True.

Raises
------
FileNotFoundError
    If ``path``, the label file or an image it lists is missing (the error names it).
ValueError
    If the label file is unreadable or has the wrong shape or values, an image is not a
    readable PNG (named), or a cache is corrupt.
ImportError
    If Pillow is not installed.""",
    "heatmap_parameters": """\
factor_names : list of str, default=None
    Row labels; by default the DataFrame's {factor_labels} or ``factor 0, 1, ...``.
latent_names : list of str, default=None
    Column labels; by default {latent_labels}``z0, z1, ...``.
active_latents : array-like of bool of shape (n_latents,), default=None
    Latents to show as active; the others are greyed out. By default
    {active_default}.
title : str, default=None
    By default ``"{title}"``, with {title_scores} when a
    result is given.
ax : matplotlib.axes.Axes, default=None
    Draw into this Axes (its figure gets the colour bar); by default a new figure.

Returns
-------
fig : matplotlib.figure.Figure
    The heatmap's figure (``ax``'s when given).

See Also
--------
sklq.metrics.{metric} : Computes the result.
{other_plot} : The same picture for {other_matrix}.""",
    "fetch_parameters": """\
data_home : str or path-like, default=None
    See :func:`get_data_home`.
url : {url_spec}
    {url_text}
sha256 : str or None, default=None
    Expected SHA-256 of the download (not checked when None; the loader always checks
    the file's structure).
download_if_missing : bool, default=True
    If False and the file is not in the data home, raise ``FileNotFoundError``.
progress : bool, default=True
    Draw a progress bar on stderr while downloading.
**load_kwargs
    Passed to :func:`{loader}` (``dtype``, ``n_samples``, ``random_state``,
    ``return_info``, ...).

Returns
-------
X, factors[, info]
    As :func:`{loader}`.""",
    "generated_images": """\
dtype : {"float32", "uint8"}, default="float32"
    ``float32`` images lie in [0, 1], ``uint8`` images in [0, 255].
random_state : int, numpy.random.Generator, numpy.random.RandomState or None
    Seed of the sample; ignored when ``n_samples`` is None.

Returns
-------
X : ndarray of shape (n_samples, {n_channels}, image_size, image_size)
    The images.
factors : ndarray of shape (n_samples, {n_factors}), dtype int64
    The factor indices of every image.

See Also
--------
{dataset} : The dataset's factor grid and renderer.""",
    "infomec_inputs": """\
factors : array-like or DataFrame of shape (n_samples, n_factors)
    Ground-truth factors, any labels.
latents : array-like or DataFrame of shape (n_samples, n_latents)
    The representation.
discrete_latents : "auto" or bool, default="auto"
    See :func:`infomec`.
adjust_for_chance : bool, default=False
    Return the chance-adjusted value (see :func:`infomec`).""",
    "infomec_score_parameters": """\
{infomec_inputs}
random_state : int, RandomState instance or None, default=None
    Seeds the kNN estimator's tie-breaking noise (continuous latents) and the
    chance adjustment's shuffles.
n_jobs : int, default=None
    Number of joblib workers.""",
    "quantized_latents": """\
n_latents : int, default=10
    Number of latent dimensions (the paper uses twice the number of factors).
n_values_per_latent : int, default=10
    Size of each dimension's scalar codebook (at least 2).
learn_codebook : bool, default=True
    Learn the codebook values. If False they stay at their initial
    ``linspace(-0.5, 0.5, n_values_per_latent)``.
global_codebook : bool, default=False
    One codebook shared by every latent instead of one per latent (the paper's
    ablation); ``codebook_`` then repeats it on every row.
codebook_learning_rate : float or None, default=None
    Learning rate of the codebook's Adam group (no weight decay, no clipping); None
    uses ``learning_rate``, as the paper does. A slowly moving codebook (1e-4) made the
    QLAE more modular on Squares at 5,000 steps without costing reconstruction (see
    the user guide).""",
    "architecture": """\
architecture : {"auto", "mlp", "conv"}, default="auto"
    ``"conv"`` for images (``X`` of shape ``(n, C, H, W)`` or ``(n, H, W)``, or flat
    rows with ``input_shape``; any size from 8 to 256 pixels per side, square or not),
    ``"mlp"`` for tabular rows; ``"auto"`` picks by the input.""",
    "input_shape": """\
input_shape : tuple (C, H, W) or (H, W), default=None
    Image shape of flat rows, so images can flow through a ``Pipeline`` as rows.""",
    "grad_clip_value": """\
grad_clip_value : float or None, default=1.0
    Clip each gradient element of the weight-decayed parameters to
    ``[-grad_clip_value, grad_clip_value]`` (biases and codebooks are not clipped).""",
    "weight_init": """\
weight_init : {"signal_preserving", "reference"}, default="signal_preserving"
    ``"reference"`` keeps PyTorch's default initialisation, which is the reference's
    (spec §3). Without normalisation layers (``network_size="cpu"``, the dense stacks)
    it starves the network of signal: at 32 px the encoder maps every image to nearly
    the same code (std 9e-4 across images, against codebook steps of 0.11) and the
    decoder's output hardly depends on the code. ``"signal_preserving"`` re-draws every
    layer that no normalisation follows with He initialisation for its activation
    (transposed and small-map convolutions with their effective fan-in), and keeps the
    reference's init elsewhere. See :doc:`training`.""",
    "precision": """\
precision : {"auto", "float32", "bfloat16"}, default="auto"
    Arithmetic of the networks: ``"bfloat16"`` runs their forward and backward passes
    under bfloat16 autocast; weights, optimizer state, the latent module (quantizer and
    codebooks) and every loss term stay float32. ``"auto"`` is bfloat16 where the
    device computes it natively (a CPU whose ``/proc/cpuinfo`` lists ``avx512_bf16`` or
    ``amx_bf16``; a CUDA GPU of compute capability 8.0 or later) and float32
    elsewhere. The un-normalised ``"cpu"`` conv networks also run in channels-last
    memory format.""",
    "device": """\
device : {"cpu", "cuda", "auto"}, default="cpu"
    Where to train; ``"auto"`` uses CUDA when available.""",
    "verbose": """\
verbose : int, default=0
    0: silent; 1: skorch's table of losses per epoch; 2: also a progress bar.""",
    "callbacks": """\
callbacks : list of skorch callbacks or None, default=None
    Extra skorch callbacks (e.g. ``skorch.callbacks.EarlyStopping`` on ``train_loss``).""",
    "warm_start": """\
warm_start : bool, default=False
    When fitted already, ``fit`` continues training for ``max_epochs`` more epochs from
    the fitted weights, codebooks and optimizer state (and the random generator's state,
    so 2 + 1 epochs end where 3 do), appending to ``history_``; also after
    :func:`sklq.save` / :func:`sklq.load`. The data must have the fitted shape, and only
    ``max_epochs``, ``warm_start``, ``verbose`` and ``callbacks`` may change in between.""",
    "precision_": """\
precision_ : {"float32", "bfloat16"}
    The precision ``precision`` resolved to.""",
    "input_attributes": """\
architecture_ : {"mlp", "conv"}
    The network family used.
input_shape_ : tuple
    Shape of one sample as the network sees it: ``(C, H, W)`` or ``(n_features,)``.
sample_shape_ : tuple
    Shape of one sample of ``X`` at fit; ``inverse_transform`` returns this shape.
sample_dtype_ : numpy dtype
    dtype of ``X`` at fit after validation (float32 or uint8).
n_features_in_ : int
    Number of values per sample.
feature_names_in_ : ndarray of shape (`n_features_in_`,)
    Column names, when ``X`` was a DataFrame with string column names.
n_samples_fit_ : int
    Number of training samples.
n_iter_ : int
    Number of epochs run.""",
    "gan_weight_decay": """\
weight_decay : float, default=1e-3
    AdamW weight decay on all weights of both networks (linear/conv weights,
    normalisation scales, the style generator's input map); never on biases or
    codebooks.""",
    "gan_parameters": """\
latent_weight : float, default=200.0
    Weight of the code-recovery loss ``mean((z_hat - z_fake)**2)`` in both steps, where
    ``z_hat`` is the encoder's code of the generated ``x_fake = G(z_fake)``.
gradient_penalty_weight : float, default=10.0
    Weight of the two-sided gradient penalty ``(||grad D(x_int)|| - 1)**2`` on random
    interpolates of real and generated samples (critic step).
critic_steps_per_generator_step : int, default=5
    A generator step follows every this many critic steps (batches).
learning_rate : float, default=2e-4
    Learning rate of both Adam(W) optimizers, constant.
adam_betas : tuple of two floats, default=(0.0, 0.9)
    Adam's ``(beta1, beta2)`` for both optimizers.
batch_size : int, default=64
    Real samples per critic step.
max_epochs : int, default=50
    Passes over the training data; each batch is one critic step. The paper trains
    200,000 steps on a GPU; the default is sized for a CPU and small datasets.
{grad_clip_value}
{architecture}
{input_shape}
network_size : {"cpu", "image_small", "image"}, default="cpu"
    Width of the critic/encoder trunk and of the generator: the reference's
    ``"image"`` / ``"image_small"`` networks (for ``"mlp"`` its 4 x 2048 dense network)
    or a narrow ``"cpu"`` network of the same family (4 conv blocks 32-32-64-64 without
    normalisation; dense 256-256 for ``"mlp"``).
decoder : {"auto", "style", "conv"}, default="auto"
    Generator family for images: the reference's style-modulated decoder or the plain
    conv-transpose decoder. ``"auto"`` uses the plain one for ``network_size="cpu"``
    and the style decoder (the paper's) for the reference sizes.
{weight_init}
{precision}
output_activation : {"sigmoid", "identity"}, default="sigmoid"
    Generated data is ``sigmoid(G(z))`` (the reference's, for data in [0, 1]: ``X``
    must then be ``uint8`` or within [0, 1]), or the unbounded ``G(z)`` for real-valued
    tabular data.
{device}
random_state : int, RandomState instance or None, default=None
    Seeds weight initialisation, batch order, the prior samples and the interpolation
    weights (inside ``torch.random.fork_rng``; the global numpy and torch generators are
    left untouched). The same int gives identical results on the CPU.
{verbose}
{callbacks}
{warm_start}""",
    "gan_net": """\
net_ : skorch.NeuralNet
    The trained skorch net; its ``module_`` is the torch model (``encoder``,
    ``critic``, ``latent``, ``generator``), ``optimizer_`` trains the critic/encoder
    and ``generator_optimizer_`` the generator (and a codebook).""",
    "gan_history": """\
history_ : pandas.DataFrame
    One row per epoch, batch means of the critic step's terms ``value_loss``
    (``D(fake) - D(real)``), ``gradient_penalty_loss``, ``latent_loss`` (and, with
    quantized latents, ``quantization_loss`` and ``commitment_loss``), its weighted total
    ``train_loss``, the critic's Wasserstein estimate ``wasserstein_estimate``
    (``D(real) - D(fake)``), the generator step's weighted total ``generator_loss`` (NaN
    in an epoch without a generator step) and the duration ``dur``.""",
    "baseline_parameters": """\
learning_rate : float, default=1e-3
    Adam(W) learning rate, constant.
batch_size : int, default=128
    Samples per optimiser step.
max_epochs : int, default=20
    Passes over the training data (CPU-sized; the paper trains 200,000 steps).
grad_clip_value : float or None, default=1.0
    Element-wise gradient clipping of the weight-decayed parameters.
{architecture}
{input_shape}
network_size : {"cpu", "image_small", "image"}, default="cpu"
    As in :class:`~sklq.LatentQuantizedAutoencoder`: the same networks.
decoder : {"auto", "style", "conv"}, default="auto"
{weight_init}
{precision}
reconstruction_loss : {"auto", "bce", "mse"}, default="auto"
{device}
random_state : int, RandomState instance or None, default=None
    Seeds weight initialisation and batch order, as in
    :class:`~sklq.LatentQuantizedAutoencoder`.
{verbose}
{callbacks}
{warm_start}""",
    "baseline_attributes": """\
net_ : skorch.NeuralNet
    The trained skorch net; ``net_.module_`` is the torch model.
reconstruction_loss_ : {"bce", "mse"}
    The reconstruction loss used.
{precision_}
{input_attributes}
history_ : pandas.DataFrame
    One row per epoch: ``train_loss`` and every loss term.""",
}


def fill_doc(obj=None, **fields):
    """Expand the ``{name}`` placeholder lines of ``obj.__doc__`` from :data:`SHARED`.

    Called with keyword ``fields`` it returns the decorator, which afterwards replaces
    every ``{field}`` of those names (inside shared entries too, and anywhere in a line)
    by its value: one entry can then serve siblings that differ in a word or a number.

    Examples
    --------
    >>> @fill_doc
    ... class Model:
    ...     '''A model.
    ...
    ...     Parameters
    ...     ----------
    ...     {device}
    ...     '''
    >>> print(Model.__doc__.splitlines()[4])
        device : {"cpu", "cuda", "auto"}, default="cpu"
    >>> @fill_doc(what="an image")
    ... def show(x):
    ...     '''Show {what}; other {braces} stay.'''
    >>> show.__doc__
    'Show an image; other {braces} stay.'
    """
    if obj is None:
        return lambda target: _fill(target, fields)
    return _fill(obj, fields)


def _fill(obj, fields):
    text = _expand(obj.__doc__, fields)
    if fields:
        names = "|".join(map(re.escape, fields))
        text = re.sub(r"\{(" + names + r")\}", lambda m: str(fields[m[1]]), text)
    obj.__doc__ = text
    return obj


def _expand(text, fields=()):
    """``text`` with its placeholder lines replaced, recursively (entries may hold them);
    lines naming one of ``fields`` are left for the field substitution."""

    def entry(match):
        if match["name"] in fields:
            return match[0]
        indent = match["indent"]
        return "\n".join(indent + line if line else line
                         for line in _expand(SHARED[match["name"]], fields).splitlines())

    return _PLACEHOLDER.sub(entry, text)
