"""Mounted in api/urls_tenant.py's v1 list: /api/v1/documents/…"""

from django.urls import path

from groupware.approval import api

urlpatterns = [
    path("documents/", api.DocumentListCreateView.as_view(), name="approval-documents"),
    path("documents/<int:pk>/", api.DocumentDetailView.as_view(), name="approval-document"),
    path("documents/<int:pk>/pdf/", api.DocumentPdfView.as_view(), name="approval-document-pdf"),
    path(
        "documents/<int:pk>/attachments/<int:attachment_id>/",
        api.DocumentAttachmentView.as_view(),
        name="approval-document-attachment",
    ),
    path("leave/balance/", api.LeaveBalanceView.as_view(), name="approval-leave-balance"),
    path("forms/", api.FormListView.as_view(), name="approval-forms"),
    path("lines/proposal/", api.LineProposalView.as_view(), name="approval-line-proposal"),
    path("registers/", api.RegisterListView.as_view(), name="approval-registers"),
    path("post-reports/", api.PostReportListView.as_view(), name="approval-post-reports"),
    path(
        "post-reports/<int:pk>/acknowledge/",
        api.PostReportAcknowledgeView.as_view(),
        name="approval-post-report-acknowledge",
    ),
] + [
    path(f"documents/<int:pk>/{name}/", view, name=f"approval-document-{name}")
    for name, view in api.ACTION_VIEWS.items()
]
