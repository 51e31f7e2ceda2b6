"""Input front-ends: what the recurrent layers read at each step.

A recurrent network that reads a long sequence one value per step has to carry
what it saw hundreds of steps back through as many multiplications of its
state, and in practice it does not learn (a plain LSTM over UCR ArrowHead's
251 raw steps stays near the majority class). A front-end shortens the
sequence before the recurrent layers and gives each step more to read:

- ``raw``: the values as they are, one step per time step (short windows of a
  series, where every lag matters);
- ``patch``: ``k`` consecutive steps side by side as one step of
  ``k * channels`` values (the sequence is ``k`` times shorter; no weights);
- ``conv``: three 1-D convolution blocks (batch-normalized, ReLU), the first
  two followed by max-pooling by 2, so the recurrent layers read learned local
  shapes at a quarter of the length. Their time-averaged output is also handed
  to the head beside the recurrent state (the LSTM-FCN family: Karim et al.,
  "LSTM Fully Convolutional Networks for Time Series Classification", 2017);
- ``shuffle``: the same convolutions and pooled features for the head, while
  the recurrent layers read the whole sequence as ONE step of ``steps *
  channels`` values (LSTM-FCN's "dimension shuffle"; for several channels
  one step of all their values, which beat one step per channel on UEA
  BasicMotions in a prototype, 0.92 against 0.77). With one step the
  recurrent layer is a gated map of the whole series; it won on UCR
  ArrowHead and lost on OSULeaf, so "auto" takes it only where the training
  rows say so (:mod:`orangecontrib.recurrent.autofrontend`).

Every front-end maps ``(batch, steps, channels)`` to ``(batch, steps',
features)``; ``features`` and ``pooled`` (how many pooled values it adds to
the head's input) are attributes; :meth:`pooled_features` gives the head's
pooled values from the scaled input and the recurrent layers' input. A
front-end is described by a name, its size and (shuffle) the length
(:func:`make_frontend`), which is what a model's pickle stores.
"""
import math

import torch
from torch import nn

from orangecontrib.recurrent.options import CONV, PATCH, RAW, SHUFFLE

__all__ = ["RawFrontEnd", "PatchFrontEnd", "ConvFrontEnd",
           "ShuffleFrontEnd", "make_frontend", "patch_size_for"]

#: The recurrent layers read at most about this many steps after a patch
#: front-end chosen by :func:`patch_size_for`.
PATCH_TARGET_STEPS = 50


def patch_size_for(steps: int) -> int:
    """Values per patch so that ``steps`` become at most about
    PATCH_TARGET_STEPS steps (1 for sequences that short already)."""
    return max(1, math.ceil(int(steps) / PATCH_TARGET_STEPS))


class RawFrontEnd(nn.Module):
    """The values as they are: one step per time step."""
    pooled = 0

    def __init__(self, channels: int):
        super().__init__()
        self.features = int(channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x


class PatchFrontEnd(nn.Module):
    """``size`` consecutive steps as one step of ``size * channels`` values.

    Sequences whose length is not a multiple of ``size`` are padded at the
    start with their first step, so that the last patch ends at the last
    step (the one a recurrent network's final state has just read).
    """
    pooled = 0

    def __init__(self, channels: int, size: int):
        super().__init__()
        if int(size) < 1:
            raise ValueError("The patch size must be at least 1.")
        self.size = int(size)
        self.features = int(channels) * self.size

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, steps, channels = x.shape
        short = -steps % self.size
        if short:
            x = torch.cat((x[:, :1].expand(batch, short, channels), x), dim=1)
        return x.reshape(batch, -1, self.size * channels)


class ConvFrontEnd(nn.Module):
    """Three Conv1d-BatchNorm-ReLU blocks; max-pooling by 2 after the first
    two. ``width`` filters in the first and last block, twice as many in the
    middle (kernels 7, 5, 3, 'same' padding).

    Output: ``(batch, ceil(steps / 4), width)``; the head also gets its mean
    over the steps (``pooled = width``), see :meth:`pool`.
    """

    def __init__(self, channels: int, width: int = 32):
        super().__init__()
        self.width = int(width)
        if self.width < 1:
            raise ValueError("The convolution width must be at least 1.")
        self.features = self.pooled = self.width

        def block(n_in, n_out, kernel, pool):
            layers = [nn.Conv1d(n_in, n_out, kernel, padding=kernel // 2),
                      nn.BatchNorm1d(n_out), nn.ReLU()]
            if pool:  # ceil_mode: a last odd step is pooled, not dropped
                layers.append(nn.MaxPool1d(2, ceil_mode=True))
            return layers

        self.blocks = nn.Sequential(
            *block(int(channels), self.width, 7, True),
            *block(self.width, 2 * self.width, 5, True),
            *block(2 * self.width, self.width, 3, False))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # Conv1d reads (batch, channels, steps).
        return self.blocks(x.transpose(1, 2)).transpose(1, 2)

    @staticmethod
    def pool(features: torch.Tensor) -> torch.Tensor:
        """(batch, steps', width) -> (batch, width): the mean over steps."""
        return features.mean(dim=1)

    def pooled_features(self, x: torch.Tensor,
                        features: torch.Tensor) -> torch.Tensor:
        """The head's pooled values: the mean of ``features`` (this
        front-end's output for ``x``) over the steps."""
        return self.pool(features)


class ShuffleFrontEnd(nn.Module):
    """LSTM-FCN's dimension shuffle: the recurrent layers read the sequence
    as one step of ``steps * channels`` values; the head also gets the mean
    over time of a :class:`ConvFrontEnd` (``conv``) that reads the same
    sequence as it is (``pooled = width``).

    Output: ``(batch, 1, steps * channels)``. ``features`` is only known
    from the data (``steps``), so it is an argument.
    """

    def __init__(self, channels: int, steps: int, width: int = 32):
        super().__init__()
        if int(steps) < 1:
            raise ValueError("The dimension shuffle needs the number of "
                             "steps.")
        self.steps = int(steps)
        self.conv = ConvFrontEnd(channels, width)
        self.width = self.conv.width
        self.pooled = self.width
        self.features = int(channels) * self.steps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.reshape(len(x), 1, -1)

    def pooled_features(self, x: torch.Tensor,
                        features: torch.Tensor) -> torch.Tensor:
        """The convolutions' features of the scaled input ``x``, averaged
        over time (``features``, the one step, is not pooled)."""
        return ConvFrontEnd.pool(self.conv(x))


def make_frontend(kind: str, channels: int, size: int = 0,
                  steps: int = 0) -> nn.Module:
    """The front-end ``kind`` ("raw", "patch", "conv", "shuffle") for
    ``channels`` values per step. ``size``: the patch size, or the conv
    width (0: 32); ``steps``: the sequence length (``shuffle`` only)."""
    if kind == RAW:
        return RawFrontEnd(channels)
    if kind == PATCH:
        return PatchFrontEnd(channels, size or 1)
    if kind == CONV:
        return ConvFrontEnd(channels, size or 32)
    if kind == SHUFFLE:
        return ShuffleFrontEnd(channels, steps, size or 32)
    raise ValueError(f"Unknown front-end '{kind}'; choose one of "
                     f"{RAW}, {PATCH}, {CONV}, {SHUFFLE}.")
