"""Money moves to the ledger (payments.LedgerEntry): the paid/refunded columns become
entries (desk payments of earlier bookings), then go. 감면 decisions and proofs."""

import django.db.models.deletion
import facility_booking.models
from django.conf import settings
from django.db import migrations, models


def columns_to_ledger(apps, schema_editor):
    Reservation = apps.get_model("facility_booking", "Reservation")
    LedgerEntry = apps.get_model("payments", "LedgerEntry")
    paid = models.Q(paid_amount__gt=0) | models.Q(payment_method="exempt", paid_at__isnull=False)
    for r in Reservation.objects.filter(paid).iterator():
        method = r.payment_method or "bank_transfer"
        LedgerEntry.objects.create(
            reservation=r,
            kind="payment",
            method=method,
            amount=r.paid_amount,
            gateway="",
            transaction_id=f"legacy-{r.pk}-payment",
            occurred_at=r.paid_at or r.updated_at,
            recorded_label="migration",
        )
        if r.refund_amount:
            r.refund_due = r.refund_amount
            r.save(update_fields=["refund_due"])
            LedgerEntry.objects.create(
                reservation=r,
                kind="refund",
                method=method if method in ("bank_transfer", "cash") else "bank_transfer",
                amount=min(r.refund_amount, r.paid_amount),
                gateway="",
                transaction_id=f"legacy-{r.pk}-refund",
                occurred_at=r.updated_at,
                recorded_label="migration",
            )


class Migration(migrations.Migration):

    dependencies = [
        ('facility_booking', '0001_initial'),
        ('payments', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='reservation',
            name='refund_due',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(columns_to_ledger, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='reservation',
            name='paid_amount',
        ),
        migrations.RemoveField(
            model_name='reservation',
            name='paid_at',
        ),
        migrations.RemoveField(
            model_name='reservation',
            name='payment_method',
        ),
        migrations.RemoveField(
            model_name='reservation',
            name='refund_amount',
        ),
        migrations.AddField(
            model_name='reservation',
            name='discount_decided_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='reservation',
            name='discount_decision',
            field=models.CharField(blank=True, choices=[('accepted', '증빙 확인(감면 적용)'), ('refused', '감면 불가')], max_length=10),
        ),
        migrations.AddField(
            model_name='reservation',
            name='discount_decision_reason',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='reservation',
            name='payment_reminder_sent_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.CreateModel(
            name='DiscountProof',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('category', models.CharField(choices=[('senior', '65세 이상 어르신'), ('disability', '장애인'), ('national_merit', '국가유공자'), ('multi_child', '다자녀 가정'), ('basic_livelihood', '기초생활수급자'), ('city_resident', '시민(관내 거주자)')], max_length=30, verbose_name='감면 항목')),
                ('file', models.FileField(blank=True, max_length=200, upload_to=facility_booking.models.proof_path)),
                ('original_name', models.CharField(max_length=200)),
                ('content_type', models.CharField(max_length=40)),
                ('size', models.PositiveIntegerField()),
                ('uploaded_at', models.DateTimeField(auto_now_add=True)),
                ('purged_at', models.DateTimeField(blank=True, null=True)),
                ('reservation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='proofs', to='facility_booking.reservation')),
                ('uploaded_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['uploaded_at', 'id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('content_type__in', ['application/pdf', 'image/png', 'image/jpeg'])), name='fb_proof_type')],
            },
        ),
    ]
