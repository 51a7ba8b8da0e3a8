from django.urls import path
from django.views.generic import RedirectView

from . import views
from .feeds import CorrectionsFeed, LatestChangesFeed

app_name = "claims"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("claims/", views.ClaimListView.as_view(), name="claim_list"),
    path("claims/<int:pk>/", views.ClaimDetailView.as_view(), name="claim_short"),
    path("claims/<int:pk>-<str:slug>/", views.ClaimDetailView.as_view(), name="claim_detail"),
    path("claimants/", views.ClaimantListView.as_view(), name="claimant_list"),
    path("claimants/<slug:slug>/", views.ClaimantDetailView.as_view(), name="claimant_detail"),
    path("topics/<slug:slug>/", views.TopicDetailView.as_view(), name="topic_detail"),
    path("sources/<int:pk>/", views.SourceDetailView.as_view(), name="source_detail"),
    path(
        "investigations/<slug:slug>/",
        views.InvestigationDetailView.as_view(),
        name="investigation_detail",
    ),
    path("pages/<slug:slug>/", views.EditorialPageView.as_view(), name="page"),
    path(
        "methodology/",
        RedirectView.as_view(pattern_name="claims:page", permanent=False),
        {"slug": "methodology"},
        name="methodology",
    ),
    path("feed/", LatestChangesFeed(), name="feed"),
    path("corrections/", views.CorrectionListView.as_view(), name="correction_list"),
    path("corrections/feed/", CorrectionsFeed(), name="correction_feed"),
    path("ratings.css", views.rating_css, name="rating_css"),
    path("claimreview.json", views.claimreview_feed, name="claimreview_feed"),
]
