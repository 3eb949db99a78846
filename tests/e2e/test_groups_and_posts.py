"""Groups and posts in a real browser: a private group made through the UI and what a
non-member sees of it, comments and reactions (htmx), answering a question, and muting
from a post's "…" menu."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from hallway.core.tests.factories import TEST_PASSWORD, UserFactory
from hallway.posts.actions import do_create_post, do_react
from hallway.posts.models import Post
from hallway.profiles.actions import do_follow
from tests.e2e.conftest import screenshot, sign_in

POST_URL = re.compile(r"/posts/(\d+)/$")


def post_card(page: Page, text: str):  # type: ignore[no-untyped-def]
    return page.locator("article.post-card").filter(has_text=text)


def expect_not_found(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 404, path
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")


def test_private_group_made_in_the_ui_shows_its_posts_to_members_only(new_page) -> None:  # type: ignore[no-untyped-def]
    olive = UserFactory(name="Olive Owner")
    otto = UserFactory(name="Otto Outsider")

    page = new_page()
    sign_in(page, olive.email, TEST_PASSWORD)
    page.goto("/groups/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Create a group")
    page.get_by_label("Name").fill("Bid Team Kestrel")
    page.get_by_label("Description").fill("Where we prepare the Kestrel bid.")
    page.get_by_role("radio", name=re.compile(r"^Private: ")).check()
    page.get_by_role("radio", name=re.compile(r"^People ask to join")).check()
    screenshot(page, "group-create-private")
    page.get_by_role("button", name="Create group").click()

    expect(page).to_have_url(re.compile(r"/groups/[\w-]+/$"))
    group_url = page.url
    expect(page.get_by_role("status")).to_contain_text("Group “Bid Team Kestrel” created")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bid Team Kestrel")
    expect(page.locator(".group-header")).to_contain_text("You are owner")

    # Post an update with a #topic from the group page's composer.
    composer = page.get_by_role("region", name="Post in Bid Team Kestrel")
    composer.get_by_label("What do you want to share?").fill("Pricing review on Thursday. #pricing")
    composer.get_by_role("button", name="Post", exact=True).click()
    expect(page).to_have_url(POST_URL)
    match = POST_URL.search(page.url)
    assert match is not None
    post_id = int(match.group(1))
    expect(page.get_by_role("status")).to_contain_text("Posted.")
    card = post_card(page, "Pricing review on Thursday.")
    expect(card.get_by_role("list", name="Topics").get_by_role("link")).to_have_text(["#pricing"])
    expect(card.get_by_role("link", name="Bid Team Kestrel")).to_be_visible()

    # In the group feed…
    page.goto(group_url)
    card = post_card(page, "Pricing review on Thursday.")
    expect(card).to_be_visible()
    expect(card.get_by_role("list", name="Topics")).to_have_text("#pricing")
    screenshot(page, "group-with-post")
    # …and on the home feed, with a menu that mutes the group or the topic but not oneself.
    page.goto("/")
    card = post_card(page, "Pricing review on Thursday.")
    expect(card).to_be_visible()
    card.get_by_label("More actions for this post").click()
    menu = card.locator(".post-menu__list")
    expect(menu.get_by_role("button")).to_have_text(
        ["Mute the group Bid Team Kestrel", "Mute #pricing"]
    )

    # Another member finds the group, the way to ask to join, and nothing of its content.
    other = new_page()
    sign_in(other, otto.email, TEST_PASSWORD)
    other.goto(group_url)
    expect(other.get_by_role("heading", level=1)).to_have_text("Bid Team Kestrel")
    expect(other.locator("main")).to_contain_text("Only this group's members can read its posts")
    expect(other.locator("main")).not_to_contain_text("Pricing review")
    expect(other.locator("article.post-card")).to_have_count(0)
    expect(other.get_by_role("link", name="Files")).to_have_count(0)
    screenshot(other, "private-group-non-member")
    other.get_by_role("link", name="Ask to join").click()
    expect(other.get_by_role("heading", name="Ask to join Bid Team Kestrel")).to_be_visible()
    other.get_by_label("Reason").fill("I price the logistics part.")
    other.get_by_role("button", name="Send request").click()
    expect(other.get_by_role("status")).to_contain_text("You asked to join")
    expect(other.locator("main")).to_contain_text("You asked to join; the owners will answer.")
    expect(other.locator("main")).not_to_contain_text("Pricing review")

    # The post itself answers like a page that does not exist; so does its topic's feed.
    expect_not_found(other, f"/posts/{post_id}/")
    other.goto("/feed/topics/pricing/")
    expect(other.locator("main")).not_to_contain_text("Pricing review")
    other.goto("/")
    expect(other.locator("main")).not_to_contain_text("Pricing review")


def test_comment_and_react_insightful_updates_the_count_in_place(page: Page) -> None:
    fran = UserFactory(name="Fran Friend")
    rita = UserFactory(name="Rita Reader")
    sam = UserFactory(name="Sam Second")
    post = do_create_post(author=fran, body="We moved the build to the new runners.")
    do_react(actor=sam, post=post, kind="insightful")

    sign_in(page, rita.email, TEST_PASSWORD)
    page.goto(f"/posts/{post.pk}/")
    expect(page.locator("#comments")).to_contain_text("No comments yet.")
    page.get_by_label("Add a comment").fill("Builds are twice as fast for us now.")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/posts/{post.pk}/#comment-\d+$"))
    comment = page.locator("article.comment").filter(has_text="twice as fast")
    expect(comment).to_contain_text("Rita Reader")
    expect(page.locator("#comments-heading .count")).to_have_text("1")

    reactions = page.locator(f"#reactions-post-{post.pk}")
    insightful = reactions.get_by_role("button", name=re.compile(r"^Insightful"))
    expect(insightful).to_have_attribute("aria-pressed", "false")
    expect(insightful).to_have_text("Insightful 1")
    # A full page load would lose this marker: the reaction must be swapped in by htmx.
    page.evaluate("window.__stillThisPage = true")
    insightful.click()
    expect(insightful).to_have_attribute("aria-pressed", "true")
    expect(insightful).to_have_text("Insightful 2")
    assert page.evaluate("window.__stillThisPage === true")
    expect(reactions.get_by_role("link", name="Who reacted")).to_be_visible()
    screenshot(page, "post-comment-and-reaction")

    # Pressing it again takes the reaction back.
    insightful.click()
    expect(insightful).to_have_attribute("aria-pressed", "false")
    expect(insightful).to_have_text("Insightful 1")
    assert page.evaluate("window.__stillThisPage === true")

    # After a reload the state is what was saved.
    insightful.click()
    expect(insightful).to_have_attribute("aria-pressed", "true")
    page.reload()
    expect(
        page.locator(f"#reactions-post-{post.pk}").get_by_role(
            "button", name=re.compile(r"^Insightful")
        )
    ).to_have_attribute("aria-pressed", "true")
    assert post.reactions.filter(kind="insightful").count() == 2  # type: ignore[attr-defined]


def test_asker_accepts_an_answer_and_it_is_marked(new_page) -> None:  # type: ignore[no-untyped-def]
    asker = UserFactory(name="Quinn Questioner")
    helper = UserFactory(name="Hana Helper")
    question = do_create_post(
        author=asker,
        kind="question",
        title="How do I rotate the staging keys?",
        body="The runbook link is dead.",
    )

    answerer = new_page()
    sign_in(answerer, helper.email, TEST_PASSWORD)
    answerer.goto(f"/posts/{question.pk}/")
    expect(answerer.get_by_role("heading", name=re.compile(r"^Answers"))).to_be_visible()
    # Only the asker (or a moderator) accepts answers.
    expect(answerer.get_by_role("button", name=re.compile(r"^Accept answer"))).to_have_count(0)
    answerer.get_by_label("Your answer").fill("Run `make rotate-keys ENV=staging`.")
    answerer.get_by_role("button", name="Post", exact=True).click()
    expect(answerer.locator("article.comment")).to_contain_text("make rotate-keys")

    page = new_page()
    sign_in(page, asker.email, TEST_PASSWORD)
    page.goto(f"/posts/{question.pk}/")
    answer = page.locator("article.comment").filter(has_text="make rotate-keys")
    expect(answer).not_to_contain_text("Accepted answer")
    answer.get_by_role("button", name="Accept answer by Hana Helper").click()

    expect(page).to_have_url(re.compile(rf"/posts/{question.pk}/#comments$"))
    answer = page.locator("article.comment").filter(has_text="make rotate-keys")
    expect(answer.locator(".badge--accepted")).to_have_text("Accepted answer")
    expect(answer).to_have_class(re.compile(r"\bcomment--accepted\b"))
    expect(page.locator("article.post-card .badge--accepted")).to_have_text("Answered")
    expect(answer.get_by_role("button", name="Unaccept this answer")).to_be_visible()
    screenshot(page, "question-accepted-answer")
    assert Post.objects.get(pk=question.pk).accepted_answer_id is not None

    # The person who answered sees it marked too.
    answerer.reload()
    expect(answerer.locator("article.comment").filter(has_text="make rotate-keys")).to_contain_text(
        "Accepted answer"
    )


def test_muting_the_author_from_the_post_menu_hides_their_posts_at_home(page: Page) -> None:
    me = UserFactory(name="Me Myself")
    fran = UserFactory(name="Fran Friend")
    do_follow(follower=me, person=fran)
    do_create_post(author=fran, body="Lunch and learn on Friday.")

    sign_in(page, me.email, TEST_PASSWORD)
    card = post_card(page, "Lunch and learn on Friday.")
    expect(card).to_be_visible()
    mute = card.get_by_role("button", name="Mute Fran Friend")
    expect(mute).to_be_hidden()  # inside the closed menu
    card.get_by_label("More actions for this post").click()
    expect(mute).to_be_visible()
    screenshot(page, "post-menu-open")
    mute.click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("status")).to_contain_text("Muted Fran Friend")
    expect(page.locator("main")).not_to_contain_text("Lunch and learn on Friday.")
    page.goto("/feed/mutes/")
    expect(page.locator("main")).to_contain_text("Fran Friend")
