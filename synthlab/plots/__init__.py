"""Every chart SynthLab shows, as plain functions returning plotly figures.

Used by the Streamlit pages (``st.plotly_chart(fig, theme="streamlit")``) and the HTML report.
Rules all charts follow:

* colours: :data:`REAL` blue, :data:`SYNTHETIC` orange, :data:`HOLDOUT` green, :data:`RUN_COLORS` for
  several runs, :data:`DIVERGING` (centred at 0) for associations; backgrounds transparent and font
  colours left to the theme, so charts read on light and dark themes;
* aggregates only: shared-bin histograms, <= 512-point ECDFs, <= 5,000-point seeded subsamples, so a
  million-row input stays fast and light in the browser;
* user strings (column and run names) are data or escaped plain-text labels, never HTML.
"""

from synthlab.plots.associations import association_matrix, correlation_heatmaps
from synthlab.plots.binning import ECDF_POINTS, MAX_BINS, MAX_POINTS, MISSING, OTHER, TOP_CATEGORIES
from synthlab.plots.columns import (
    category_overlay,
    column_overlay,
    ecdf_overlay,
    histogram_overlay,
    missing_bars,
    timeline_overlay,
)
from synthlab.plots.experiments import add_reference, condition_bars, seed_deviations
from synthlab.plots.pairs import pair_plot
from synthlab.plots.projection import pca_projection
from synthlab.plots.scores import (
    dcr_histogram_bins,
    dcr_histograms,
    feature_importance_bar,
    group_rates,
    loss_chart,
    metric_bars,
    metric_over_steps,
    privacy_utility_scatter,
)
from synthlab.plots.style import DIVERGING, HOLDOUT, REAL, RUN_COLORS, SEQUENTIAL, SYNTHETIC, run_color

__all__ = [
    "DIVERGING",
    "ECDF_POINTS",
    "HOLDOUT",
    "MAX_BINS",
    "MAX_POINTS",
    "MISSING",
    "OTHER",
    "REAL",
    "RUN_COLORS",
    "SEQUENTIAL",
    "SYNTHETIC",
    "TOP_CATEGORIES",
    "add_reference",
    "association_matrix",
    "category_overlay",
    "column_overlay",
    "condition_bars",
    "correlation_heatmaps",
    "dcr_histogram_bins",
    "dcr_histograms",
    "ecdf_overlay",
    "feature_importance_bar",
    "group_rates",
    "histogram_overlay",
    "loss_chart",
    "metric_bars",
    "metric_over_steps",
    "missing_bars",
    "pair_plot",
    "pca_projection",
    "privacy_utility_scatter",
    "run_color",
    "seed_deviations",
    "timeline_overlay",
]
