import pytest

from conference.vietnamese import fold, given_name, person_sort_key, roman, sort_key


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Hà Nội", "ha noi"),
        ("Điện Biên", "dien bien"),
        ("ĐIỆN BIÊN", "dien bien"),
        ("Sở Công Thương", "so cong thuong"),
        ("Hoà Bình", "hoa binh"),
        ("Hòa Bình", "hoa binh"),
        ("  Bắc   Kạn ", "bac kan"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold_removes_accents_and_maps_d(text, folded):
    assert fold(text) == folded


def test_sort_key_orders_the_28_names_as_a_vietnamese_reader_does():
    names = ["Yên Bái", "Hà Giang", "Điện Biên", "Hải Dương", "Hà Nội", "Hà Nam", "Đà Nẵng",
             "Dak Lak", "Bắc Ninh", "Bắc Giang", "Cao Bằng", "Hưng Yên", "Hòa Bình"]  # fmt: skip
    assert sorted(names, key=sort_key) == [
        "Bắc Giang", "Bắc Ninh", "Cao Bằng", "Dak Lak", "Đà Nẵng", "Điện Biên", "Hà Giang",
        "Hà Nam", "Hà Nội", "Hải Dương", "Hòa Bình", "Hưng Yên", "Yên Bái",
    ]  # fmt: skip


def test_sort_key_puts_letters_with_marks_after_their_base_letter():
    assert sorted(["ư", "u", "ơ", "ô", "o", "ê", "e", "đ", "d", "â", "ă", "a"], key=sort_key) == [
        "a", "ă", "â", "d", "đ", "e", "ê", "o", "ô", "ơ", "u", "ư",
    ]  # fmt: skip


def test_sort_key_uses_tones_only_to_break_ties():
    assert sorted(["má", "mà", "ma", "mạ", "mã", "mả"], key=sort_key) == [
        "ma", "mà", "mả", "mã", "má", "mạ",
    ]  # fmt: skip
    assert sort_key("Hà Nam") < sort_key("Ha Noi")


def test_sort_key_is_the_same_for_both_spellings_of_hoa_but_for_tone_position():
    primary = 2 * len("hoa binh")
    assert sort_key("Hoà Bình")[:primary] == sort_key("Hòa Bình")[:primary]
    assert sort_key("Hoà Bình") != sort_key("Hòa Bình")


def test_people_sort_by_given_name():
    people = ["Nguyễn Thị Hiền", "Trần Thị Phương Lan", "Nguyễn Văn Thành", "Lê Hồng Sơn"]
    assert [given_name(p) for p in sorted(people, key=person_sort_key)] == [
        "Hiền", "Lan", "Sơn", "Thành",
    ]  # fmt: skip


def test_roman_numerals_of_the_editions():
    assert [roman(n) for n in (4, 5, 6, 8, 9, 10, 11, 12, 14, 19, 40)] == [
        "IV", "V", "VI", "VIII", "IX", "X", "XI", "XII", "XIV", "XIX", "XL",
    ]  # fmt: skip


def test_roman_refuses_zero():
    with pytest.raises(ValueError):
        roman(0)
