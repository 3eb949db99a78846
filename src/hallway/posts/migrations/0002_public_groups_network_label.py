"""Content of public groups without guests, and of companies' internal sides, carries the
``network`` label (ADR 0004)."""

from django.db import migrations


def relabel(apps, schema_editor, *, forward=True):
    Group = apps.get_model("groups", "Group")
    Post = apps.get_model("posts", "Post")
    Comment = apps.get_model("posts", "Comment")
    PostTopic = apps.get_model("posts", "PostTopic")
    Attachment = apps.get_model("posts", "Attachment")
    for group_id in Group.objects.filter(visibility="public", is_external=False).values_list(
        "pk", flat=True
    ):
        old, new = f"group:{group_id}", "network"
        if not forward:
            old, new = new, old
        posts = Post.objects.filter(group_id=group_id)
        posts.filter(audience=old).update(audience=new)
        Comment.objects.filter(post__in=posts, audience=old).update(audience=new)
        PostTopic.objects.filter(post__in=posts, audience=old).update(audience=new)
        Attachment.objects.filter(post__in=posts, audience=old).update(audience=new)
        Attachment.objects.filter(comment__post__in=posts, audience=old).update(audience=new)


def relabel_companies(apps, schema_editor):
    for name in ("Post", "Comment", "PostTopic", "Attachment"):
        model = apps.get_model("posts", name)
        model.objects.filter(
            audience__startswith="company:", audience__endswith=":internal"
        ).update(audience="network")


def companies_back(apps, schema_editor):
    Post = apps.get_model("posts", "Post")
    for company_id in (
        Post.objects.filter(company__isnull=False).values_list("company_id", flat=True).distinct()
    ):
        label = f"company:{company_id}:internal"
        posts = Post.objects.filter(company_id=company_id, audience="network")
        for name, path in (("Comment", "post"), ("PostTopic", "post"), ("Attachment", "post")):
            apps.get_model("posts", name).objects.filter(
                **{f"{path}__in": posts, "audience": "network"}
            ).update(audience=label)
        apps.get_model("posts", "Attachment").objects.filter(
            comment__post__in=posts, audience="network"
        ).update(audience=label)
        posts.update(audience=label)


def backwards(apps, schema_editor):
    relabel(apps, schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0001_initial"),
        ("posts", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(relabel, backwards),
        migrations.RunPython(relabel_companies, companies_back),
    ]
