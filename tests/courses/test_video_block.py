"""The video block takes YouTube and Vimeo videos only: the site's pages may frame no other
video player (config/content_security_policy.py), so another host's video would show pupils
an empty frame."""

import pytest
from wagtail.blocks import StructBlockValidationError

from courses.blocks import VideoBlock

pytestmark = pytest.mark.django_db


def cached_embed(url: str, player: str) -> None:
    """The embed Wagtail would fetch for `url`, stored so the test needs no network."""
    from wagtail.embeds.embeds import get_embed_hash
    from wagtail.embeds.models import Embed

    Embed.objects.create(
        hash=get_embed_hash(url),
        url=url,
        type="video",
        html=f'<iframe title="A talk" src="{player}"></iframe>',
        title="A talk",
    )


def video(url: str):
    block = VideoBlock()
    value = block.to_python({"title": "A talk", "video": url, "transcript": "<p>Words.</p>"})
    return block, value


def test_a_video_from_another_host_is_refused_with_a_reason():
    url = "https://www.ted.com/talks/a_talk_about_online_safety"
    cached_embed(url, "https://embed.ted.com/talks/a_talk_about_online_safety")
    block, value = video(url)
    with pytest.raises(StructBlockValidationError) as refused:
        block.clean(value)
    assert "YouTube or Vimeo" in str(refused.value.block_errors["video"])


@pytest.mark.parametrize(
    ("url", "player"),
    [
        ("https://www.youtube.com/watch?v=abc123", "https://www.youtube.com/embed/abc123"),
        ("https://youtu.be/abc123", "https://www.youtube.com/embed/abc123"),
        ("https://vimeo.com/123456", "https://player.vimeo.com/video/123456"),
    ],
)
def test_youtube_and_vimeo_videos_are_taken(url, player):
    cached_embed(url, player)
    block, value = video(url)
    assert block.clean(value)["video"].url == url


def test_a_published_video_from_another_host_is_shown_as_a_link_not_an_empty_frame():
    """Modules published before other hosts were refused keep their video: the page may not
    frame its player, so the learner gets a link to watch it there, and the transcript."""
    url = "https://www.ted.com/talks/a_talk_about_online_safety"
    cached_embed(url, "https://embed.ted.com/talks/a_talk_about_online_safety")
    block, value = video(url)
    html = block.render(value)
    assert "<iframe" not in html
    assert f'href="{url}"' in html
    assert "Words." in html


def test_a_youtube_video_is_still_framed():
    url = "https://www.youtube.com/watch?v=abc123"
    cached_embed(url, "https://www.youtube.com/embed/abc123")
    block, value = video(url)
    assert (
        '<iframe title="A talk" src="https://www.youtube-nocookie.com/embed/abc123">'
        in block.render(value)
    )


@pytest.mark.parametrize(
    ("url", "player", "framed"),
    [
        (
            "https://www.youtube.com/watch?v=abc123",
            "https://www.youtube.com/embed/abc123?feature=oembed",
            "https://www.youtube-nocookie.com/embed/abc123?feature=oembed",
        ),
        (
            "https://vimeo.com/123456",
            "https://player.vimeo.com/video/123456?app_id=122963",
            "https://player.vimeo.com/video/123456?app_id=122963&amp;dnt=1",
        ),
        (
            "https://vimeo.com/654321",
            "https://player.vimeo.com/video/654321",
            "https://player.vimeo.com/video/654321?dnt=1",
        ),
    ],
)
def test_a_video_is_framed_by_the_player_that_does_not_track_the_learner(url, player, framed):
    """Pupils watch in a module page: YouTube's privacy-enhanced player (no cookies until the
    video plays) and Vimeo's "do not track", so opening a module does not mark a child's
    device for the video site."""
    cached_embed(url, player.replace("&", "&amp;"))
    block, value = video(url)
    html = block.render(value)
    assert f'src="{framed}"' in html
