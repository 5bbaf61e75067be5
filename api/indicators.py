"""The indicator endpoints: an analyst's own tracked statistics (`rasad.index.indicators`).

Listing and charting need a viewer; creating and deleting need an editor, and deleting
someone else's needs an admin, as with saved searches.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from pydantic import BaseModel, Field

from rasad.index.indicators import Indicator, Indicators
from rasad.index.owned import visible_to
from rasad.index.series import MAX_LISTED
from rasad.nlp.extract import metric_label

from .auth import Caller, Editor, Reader, caller_name, check_owner, require
from .params import DateRange, StoreDep
from .routes import ERRORS, series_out
from .schemas import SeriesOut

router = APIRouter(
    prefix="/api/indicators",
    tags=["indicators"],
    responses=ERRORS,
    dependencies=[Depends(require("viewer"))],
)
Short = Field("", max_length=200)


class IndicatorIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    metrics: list[Annotated[str, Field(max_length=500)]] = Field(
        default_factory=list, max_length=50, description="Metric keys to merge into one series."
    )
    text: str = Field("", max_length=500, description="Or a figure query: words …")
    unit: str = Short
    kind: str = Short
    city: str = Short
    speaker: str = Short
    shared: bool = Field(False, description="Visible to every user.")


class IndicatorOut(IndicatorIn):
    id: str
    owner: str
    created: datetime
    labels: list[str] = Field(description="The merged keys as readers read them.")


def _out(indicator: Indicator) -> IndicatorOut:
    fields = {k: v for k, v in vars(indicator).items() if k in IndicatorOut.model_fields}
    return IndicatorOut(**fields, labels=[metric_label(k) for k in indicator.metrics])


def visible_indicator(
    indicators: Indicators, indicator_id: str, caller: Caller | None
) -> Indicator:
    found = indicators.get(indicator_id)
    if found is None or not visible_to(found.owner, found.shared, caller_name(caller)):
        raise HTTPException(404, f"no indicator with id {indicator_id}")
    return found


@router.post("", status_code=status.HTTP_201_CREATED, summary="Define an indicator")
def create_indicator(store: StoreDep, body: IndicatorIn, caller: Editor) -> IndicatorOut:
    indicator = Indicator(**body.model_dump(), owner=caller.user.name)
    return _out(Indicators(store).create(indicator))


@router.get("", summary="Indicators (own and shared)")
def list_indicators(store: StoreDep, caller: Reader) -> list[IndicatorOut]:
    return [_out(i) for i in Indicators(store).visible(caller_name(caller))]


@router.delete(
    "/{indicator_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete an indicator"
)
def delete_indicator(store: StoreDep, indicator_id: str, caller: Editor) -> Response:
    indicators = Indicators(store)
    found = visible_indicator(indicators, indicator_id, caller)
    check_owner(found.owner, caller, f"the indicator {indicator_id}")
    indicators.delete(indicator_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{indicator_id}/series", summary="An indicator over time")
def indicator_series(
    store: StoreDep,
    indicator_id: str,
    caller: Reader,
    dates: DateRange,
    interval: Literal["day", "week", "month"] = "month",
    points: Annotated[
        int, Query(ge=0, le=MAX_LISTED, description="At most this many reports listed.")
    ] = 50,
) -> SeriesOut:
    """As `/api/series`, over every figure the indicator matches."""
    indicators = Indicators(store)
    found = visible_indicator(indicators, indicator_id, caller)
    return series_out(indicators.series(found, interval, *dates, listed=points))
