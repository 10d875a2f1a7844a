"""Our catalogue's wording wins over Django's own Vietnamese for the messages people see most."""

from django import forms
from django.utils import translation


class _Form(forms.Form):
    email = forms.EmailField()
    name = forms.CharField(max_length=3)


def test_form_errors_read_naturally_in_vietnamese():
    form = _Form({"email": "khong-phai-email", "name": "Nguyễn"})
    with translation.override("vi"):
        assert form.errors == {
            "email": ["Vui lòng nhập địa chỉ thư điện tử hợp lệ."],
            "name": ["Giá trị này chỉ được có tối đa 3 ký tự (hiện có 6)."],
        }


def test_admin_words_are_overridden():
    with translation.override("vi"):
        assert translation.gettext("History") == "Lịch sử thay đổi"
        assert translation.gettext("Show counts") == "Hiện số lượng"
        assert translation.gettext("Successfully deleted %(count)d %(items)s.") == (
            "Đã xóa thành công %(count)d %(items)s."
        )
