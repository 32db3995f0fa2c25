from unittest import TestCase

from ..tools.forecast import forecast_category


class TestForecastCategory(TestCase):
    """Forecast buckets, without the ORM."""

    def test_categories(self):
        self.assertEqual(forecast_category(False, 0, False, "opportunity", "hot"), "omitted", "lost")
        self.assertEqual(forecast_category(True, 100, True, "opportunity", "cold"), "commit", "won")
        self.assertEqual(forecast_category(True, 90, False, "opportunity", "cold"), "commit")
        self.assertEqual(forecast_category(True, 60, False, "opportunity", "cold"), "best_case")
        self.assertEqual(forecast_category(True, 45, False, "opportunity", "hot"), "best_case", "hot at 40% and more")
        self.assertEqual(forecast_category(True, 45, False, "opportunity", "warm"), "pipeline")
        self.assertEqual(forecast_category(True, 70, False, "lead", "hot"), "pipeline", "a lead is not a best case")
