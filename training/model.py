"""The sign classifier: attention-BiLSTM over per-frame keypoint features (pure nn.Module).

    features (B, T, 208)
      -> spatial group embedding: one linear projection per body part (pose, face, left hand,
         right hand; each with its presence flag), concatenated, GELU, BatchNorm
      -> N residual BiLSTM blocks (LayerNorm)
      -> 8-head self-attention, residual + LayerNorm
      -> trainable attention pooling over time = the sign's embedding (2 * hidden)
      -> dropout -> head -> logits: linear (the recipe), or cosine (`head="cosine"`:
         logits = cos_scale * cos(embedding, class vector), a metric-learning head whose
         class vectors are prototypes in the same cosine space "teach a sign" matches in)

Checkpoints carry the config as a dict, the class ids and seq_len, so `build_model` and
`load_checkpoint` rebuild the model from the checkpoint file alone. An ensemble checkpoint
(`training.ensemble`) holds several such payloads; it loads as an `Ensemble`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional as nnf

from arsl_desktop.core import features as F

# Feature columns of each part, flags included (in PARTS order).
GROUP_COLS = tuple(np.asarray(c, dtype=np.int64) for c in F.PART_COLS)


@dataclass
class ModelConfig:
    n_classes: int = 82
    feature_dim: int = F.FEATURE_DIM
    group_dim: int = 64  # embedding width per body part
    hidden: int = 128  # LSTM hidden size per direction (model width = 2 * hidden)
    n_layers: int = 2
    n_heads: int = 8
    dropout: float = 0.3
    input_dropout: float = 0.1
    head: str = "linear"  # "cosine": logits = cos_scale * cos(embedding, W) (metric learning)
    cos_scale: float = 16.0  # cosine head only: the logit of a perfect match

    @classmethod
    def from_dict(cls, d: dict) -> ModelConfig:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})


class GroupEmbedding(nn.Module):
    """A separate projection per body part, so a missing hand cannot smear into the face."""

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        for i, cols in enumerate(GROUP_COLS):
            self.register_buffer(f"cols{i}", torch.from_numpy(cols), persistent=False)
        self.proj = nn.ModuleList(nn.Linear(len(c), cfg.group_dim) for c in GROUP_COLS)
        self.act = nn.GELU()
        self.norm = nn.BatchNorm1d(cfg.group_dim * len(GROUP_COLS))
        self.out_dim = cfg.group_dim * len(GROUP_COLS)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        parts = [p(x.index_select(-1, getattr(self, f"cols{i}"))) for i, p in enumerate(self.proj)]
        h = self.act(torch.cat(parts, dim=-1))
        return self.norm(h.transpose(1, 2)).transpose(1, 2)


class BiLSTMBlock(nn.Module):
    def __init__(self, dim: int, hidden: int, dropout: float) -> None:
        super().__init__()
        self.lstm = nn.LSTM(dim, hidden, batch_first=True, bidirectional=True)
        self.drop = nn.Dropout(dropout)
        self.norm = nn.LayerNorm(2 * hidden)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y, _ = self.lstm(x)
        return self.norm(x + self.drop(y))


class AttentionPool(nn.Module):
    """Weighted mean over time with learned weights: the sign's key frames count more."""

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.score = nn.Sequential(nn.Linear(dim, dim // 2), nn.Tanh(), nn.Linear(dim // 2, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        w = torch.softmax(self.score(x), dim=1)  # (B, T, 1)
        return (w * x).sum(dim=1)


class CosineHead(nn.Module):
    """logits = scale * cos(embedding, w_c): every class is a unit vector (a learnt prototype)."""

    def __init__(self, dim: int, n_classes: int, scale: float) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.empty(n_classes, dim))
        nn.init.xavier_uniform_(self.weight)
        self.scale = float(scale)

    def forward(self, e: torch.Tensor) -> torch.Tensor:
        w = nnf.normalize(self.weight, dim=-1, eps=1e-6)
        return self.scale * nnf.linear(nnf.normalize(e, dim=-1, eps=1e-6), w)


class AttnBiLSTM(nn.Module):
    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.cfg = cfg
        dim = 2 * cfg.hidden
        self.embed = GroupEmbedding(cfg)
        self.in_drop = nn.Dropout(cfg.input_dropout)
        self.in_proj = nn.Linear(self.embed.out_dim, dim) if self.embed.out_dim != dim else nn.Identity()
        self.blocks = nn.ModuleList(BiLSTMBlock(dim, cfg.hidden, cfg.dropout) for _ in range(cfg.n_layers))
        self.attn = nn.MultiheadAttention(dim, cfg.n_heads, dropout=cfg.dropout, batch_first=True)
        self.attn_norm = nn.LayerNorm(dim)
        self.pool = AttentionPool(dim)
        self.drop = nn.Dropout(cfg.dropout)
        if cfg.head == "linear":
            self.head = nn.Linear(dim, cfg.n_classes)
        elif cfg.head == "cosine":
            self.head = CosineHead(dim, cfg.n_classes, cfg.cos_scale)
        else:
            raise ValueError(f"unknown head '{cfg.head}' (linear or cosine)")

    def embedding(self, x: torch.Tensor) -> torch.Tensor:
        """(B, T, feature_dim) -> (B, 2 * hidden): the pooled vector the head classifies."""
        h = self.in_proj(self.in_drop(self.embed(x)))
        for block in self.blocks:
            h = block(h)
        a, _ = self.attn(h, h, h, need_weights=False)
        h = self.attn_norm(h + self.drop(a))
        return self.pool(h)

    def forward(self, x: torch.Tensor, with_embedding: bool = False):
        """(B, T, feature_dim) -> (B, n_classes) logits (and the embedding, for metric losses)."""
        emb = self.embedding(x)
        logits = self.head(self.drop(emb))
        return (logits, emb) if with_embedding else logits


class Ensemble(nn.Module):
    """Models trained alike with different seeds, as one: logits are the members' mean (the
    normalised geometric mean of their probabilities); the embedding is the members' unit
    embeddings side by side, divided by sqrt(N), so its cosine is the mean of their cosines."""

    def __init__(self, members: list[AttnBiLSTM]) -> None:
        super().__init__()
        if not members:
            raise ValueError("an ensemble needs at least one model")
        self.members = nn.ModuleList(members)
        self.cfg = members[0].cfg

    def embedding(self, x: torch.Tensor) -> torch.Tensor:
        return self(x, with_embedding=True)[1]

    def forward(self, x: torch.Tensor, with_embedding: bool = False):
        outs = [m(x, with_embedding=True) for m in self.members]
        logits = torch.stack([lg for lg, _ in outs]).mean(0)
        if not with_embedding:
            return logits
        emb = torch.cat([nnf.normalize(e, dim=-1, eps=1e-6) for _, e in outs], dim=-1) / len(outs) ** 0.5
        return logits, emb


def build_model(config: dict | ModelConfig, arch: str = "attn_bilstm") -> nn.Module:
    if arch != "attn_bilstm":
        raise ValueError(f"unknown architecture '{arch}' (this code builds 'attn_bilstm')")
    cfg = config if isinstance(config, ModelConfig) else ModelConfig.from_dict(config)
    return AttnBiLSTM(cfg)


def model_payload(model: nn.Module, class_ids: list[int], seq_len: int, **extra: object) -> dict:
    """What a best-model checkpoint holds: enough to rebuild and export it, nothing pickled."""
    return {"arch": "attn_bilstm", "model_config": asdict(model.cfg), "class_ids": [int(c) for c in class_ids],
            "seq_len": int(seq_len), "state_dict": model.state_dict(), **extra}


def load_checkpoint(path: str | Path, map_location: str = "cpu") -> tuple[nn.Module, dict]:
    """Rebuild a model from a checkpoint alone (weights_only: no code runs on load)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"checkpoint not found: {path}")
    ckpt = torch.load(path, map_location=map_location, weights_only=True)
    model = from_payload(ckpt)
    model.eval()
    return model, ckpt


def from_payload(payload: dict) -> nn.Module:
    """The model a checkpoint payload describes, weights loaded (an `Ensemble` for an ensemble's)."""
    if payload.get("arch") == "ensemble":
        return Ensemble([from_payload(m) for m in payload["members"]])
    model = build_model(payload["model_config"], payload.get("arch", "attn_bilstm"))
    model.load_state_dict(payload["state_dict"])
    return model


@torch.no_grad()
def predict(model: nn.Module, x: torch.Tensor, batch: int = 256) -> torch.Tensor:
    """Logits for a stack of sequences, in eval mode."""
    model.eval()
    outs = [model(x[i:i + batch]) for i in range(0, len(x), batch)]
    return torch.cat(outs) if outs else torch.zeros(0)
