from unittest import TestCase

from ..tools.territory import choose_salesperson, matches, parse_lines


class TestTerritoryTools(TestCase):
    """Territory matching and salesperson choice, without the ORM."""

    def test_parse_lines(self):
        self.assertEqual(parse_lines("Isfahan\nاصفهان ، Tehran\n\n"), {"isfahan", "اصفهان", "tehran"})
        self.assertEqual(parse_lines(False), set())

    def test_empty_criteria_match_anything(self):
        self.assertTrue(matches({}, {"city": "Anywhere"}))

    def test_city_in_both_scripts(self):
        criteria = {"cities": parse_lines("Isfahan\nاصفهان")}
        self.assertTrue(matches(criteria, {"city": " ISFAHAN "}))
        self.assertTrue(matches(criteria, {"city": "اصفهان"}))
        self.assertFalse(matches(criteria, {"city": "Tehran"}))
        # Arabic yeh/kaf typed instead of Persian letters
        self.assertTrue(matches({"cities": parse_lines("کرمان")}, {"city": "كرمان"}))

    def test_ids_and_sets(self):
        criteria = {"country_ids": {1}, "state_ids": {10, 11}, "specialty_ids": {5}, "tag_ids": set()}
        lead = {"country_id": 1, "state_id": 11, "specialty_ids": {4, 5}}
        self.assertTrue(matches(criteria, lead))
        self.assertFalse(matches(criteria, dict(lead, state_id=12)))
        self.assertFalse(matches(criteria, dict(lead, specialty_ids={4})))

    def test_zip_prefix_and_temperature(self):
        self.assertTrue(matches({"zip_prefixes": parse_lines("81, 82")}, {"zip": "81 465"}))
        self.assertFalse(matches({"zip_prefixes": parse_lines("81")}, {"zip": False}))
        self.assertTrue(matches({"min_temperature": "warm"}, {"temperature": "hot"}))
        self.assertFalse(matches({"min_temperature": "warm"}, {"temperature": "cold"}))

    def test_round_robin(self):
        loads, position, chosen = {}, -1, []
        for _i in range(6):
            user, position = choose_salesperson([1, 2, 3], loads, 0, "round_robin", position)
            chosen.append(user)
        self.assertEqual(chosen, [1, 2, 3, 1, 2, 3])

    def test_least_loaded_and_cap(self):
        self.assertEqual(choose_salesperson([1, 2, 3], {1: 5, 2: 1, 3: 3}, 0, "least_loaded", 0)[0], 2)
        self.assertEqual(choose_salesperson([1, 2], {1: 2, 2: 1}, 2, "round_robin", 1)[0], 2)
        self.assertEqual(choose_salesperson([1, 2], {1: 2, 2: 2}, 2, "round_robin", 0), (None, 0))
        self.assertEqual(choose_salesperson([], {}, 0, "round_robin", 0), (None, 0))
        self.assertEqual(choose_salesperson([1, 2, 3], {}, 0, "round_robin", 0, excluded=2)[0], 3)
