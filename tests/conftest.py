"""Shared fixtures: paths, and one index of the bundled sample archive per session."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from index.engine import Engine
from index.store import ingest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "data" / "reference"  # the reference article alone: what most tests answer from
CORPUS = ROOT / "data" / "archive"  # the bundled archive the labelled questions are about
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests import emulator and fixtures as modules


@pytest.fixture(name="sample_index", scope="session")
def sample_index_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("sample") / "index"
    ingest(SAMPLE, target)
    return target


@pytest.fixture(name="corpus_index", scope="session")
def corpus_index_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the bundled archive: the national figures a series is drawn from."""
    target = tmp_path_factory.mktemp("corpus") / "index"
    ingest(CORPUS, target)
    return target


@pytest.fixture(name="engine", scope="session")
def engine_fixture(sample_index: Path) -> Engine:
    return Engine.open(sample_index)
