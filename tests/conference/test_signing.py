from conference.signing import mask_manage_links


def test_mask_manage_links_hides_the_token_of_every_page_of_the_link():
    text = (
        "Xem: https://hoinghi.example.vn/registration/manage/.eJyLVjI0MDA:1tT3:abc-_9/\n"
        '<a href="https://hoinghi.example.vn/en/registration/manage/.eJy:1tT3:x_Y/cancel/">'
        "Sửa: /en/registration/manage/.eJy:1:z/edit/ and /registration/other/keep/"
    )

    assert mask_manage_links(text) == (
        "Xem: https://hoinghi.example.vn/registration/manage/…/\n"
        '<a href="https://hoinghi.example.vn/en/registration/manage/…/cancel/">'
        "Sửa: /en/registration/manage/…/edit/ and /registration/other/keep/"
    )
