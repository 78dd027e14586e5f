#!/usr/bin/env python3
"""The checker's comparison must fail on every kind of mismatch (run by make check-notebooks)."""
import pathlib
import sys
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from check import compare  # noqa: E402


def number(data, shape, **labels):
    return dict(kind="number", data=data, shape=shape, **labels)


class CompareTests(unittest.TestCase):
    def test_numbers_within_1e9_pass_and_beyond_fail(self):
        expected = number([[1.0, 2.0]], [1, 2])
        self.assertIsNone(compare(expected, number([[1.0 + 5e-10, 2.0]], [1, 2])))
        self.assertIn("entries differ", compare(expected, number([[1.0 + 2e-9, 2.0]], [1, 2])))
        # Relative above magnitude 1: 1e6 ± 1e-4 is within 1e-9 relative.
        self.assertIsNone(compare(number(1e6, []), number(1e6 + 1e-4, [])))
        self.assertIsNotNone(compare(number(1e6, []), number(1e6 + 1e-2, [])))

    def test_shape_kind_and_non_finite(self):
        self.assertIn("shape", compare(number([1.0, 2.0], [2]), number([[1.0, 2.0]], [1, 2])))
        self.assertIn("kind", compare(number(1.0, []), dict(kind="text", text="1")))
        self.assertIsNone(compare(number(["-inf", 0.0], [2]), number(["-inf", 0.0], [2])))
        self.assertIsNotNone(compare(number(["-inf", 0.0], [2]), number([-1e300, 0.0], [2])))
        self.assertIsNotNone(compare(number("nan", []), number(0.0, [])))

    def test_labels_tokens_text_and_tables(self):
        ranking = number([[0.9], [0.8]], [2, 1], rows=["a", "b"])
        self.assertIsNone(compare(ranking, number([[0.9], [0.8]], [2, 1], rows=["a", "b"])))
        self.assertIn("rows", compare(ranking, number([[0.9], [0.8]], [2, 1], rows=["b", "a"])))
        tokens = dict(kind="tokens", tokens=["a", "##b"], ids=[0, 1])
        self.assertIsNone(compare(tokens, dict(kind="tokens", tokens=["a", "##b"], ids=[0, 1])))
        self.assertIn("ids", compare(tokens, dict(kind="tokens", tokens=["a", "##b"], ids=[0, 2])))
        self.assertIn("tokens", compare(tokens, dict(kind="tokens", tokens=["a", "b"])))
        self.assertIsNotNone(compare(dict(kind="text", text="a b"), dict(kind="text", text="a  b")))
        table = dict(kind="table", columns=["token", "probability"], rows=[["에", 0.5], ["이", 0.25]])
        self.assertIsNone(compare(table, dict(kind="table", columns=["token", "probability"], rows=[["에", 0.5], ["이", 0.25]])))
        self.assertIn("row 2", compare(table, dict(kind="table", columns=["token", "probability"], rows=[["에", 0.5], ["가", 0.25]])))
        self.assertIn("row 1", compare(table, dict(kind="table", columns=["token", "probability"], rows=[["에", 0.4], ["이", 0.25]])))


if __name__ == "__main__":
    unittest.main()
