from unittest import TestCase

from ..tools.scoring import (
    capped,
    clamp_score,
    highest_stage,
    lifecycle_stage,
    qualification_stage,
    temperature,
)


class TestScoringArithmetic(TestCase):
    """Score arithmetic, without the ORM."""

    def test_caps(self):
        self.assertEqual(capped(35, 20), 20)
        self.assertEqual(capped(15, 20), 15)
        self.assertEqual(capped(-35, 20), -20)
        self.assertEqual(capped(350, 0), 350)

    def test_clamp(self):
        self.assertEqual(clamp_score(-12), 0)
        self.assertEqual(clamp_score(140), 100)
        self.assertEqual(clamp_score(49.6), 50)

    def test_temperature(self):
        self.assertEqual(temperature(39, 40, 70), "cold")
        self.assertEqual(temperature(40, 40, 70), "warm")
        self.assertEqual(temperature(70, 40, 70), "hot")

    def test_qualification(self):
        self.assertEqual(qualification_stage(49, 50, 75), "lead")
        self.assertEqual(qualification_stage(50, 50, 75), "mql")
        self.assertEqual(qualification_stage(75, 50, 75), "sql")
        self.assertEqual(qualification_stage(100, 0, 0), "lead", "a threshold of 0 is never reached")
        self.assertEqual(highest_stage("sql", "lead"), "sql")
        self.assertEqual(highest_stage("lead", "mql"), "mql")

    def test_lifecycle_stage(self):
        self.assertEqual(lifecycle_stage("junk", True, "opportunity", "sql", "sql"), "disqualified")
        self.assertEqual(lifecycle_stage("new", True, "opportunity", "lead", "lead"), "customer")
        self.assertEqual(lifecycle_stage("new", False, "opportunity", "sql", "lead"), "opportunity")
        self.assertEqual(lifecycle_stage("new", False, "lead", None, "mql"), "mql", "a new lead gets its qualification")
        self.assertEqual(lifecycle_stage("new", False, "lead", "sql", "lead"), "sql", "never lowered")
        self.assertEqual(lifecycle_stage("new", False, "lead", "disqualified", "lead"), "lead", "requalified")
