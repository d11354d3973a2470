"""Results: xAPI 1.0.3 Part Two 4.1.5 "Result"."""

from pydantic import StrictStr, model_validator
from pydantic_core import PydanticCustomError

from .base import Bool, Duration, Extensions, Number, XapiModel


class Score(XapiModel):
    """4.1.5.1 "Score": scaled in [-1, 1]; raw between min and max; min below max."""

    scaled: Number | None = None
    raw: Number | None = None
    min: Number | None = None
    max: Number | None = None

    @model_validator(mode="after")
    def _ranges(self):
        if self.scaled is not None and not -1 <= self.scaled <= 1:
            raise PydanticCustomError("score", "scaled must be between -1 and 1")
        if self.min is not None and self.max is not None and self.min >= self.max:
            raise PydanticCustomError("score", "min must be less than max")
        if self.raw is not None:
            if self.min is not None and self.raw < self.min:
                raise PydanticCustomError("score", "raw must not be below min")
            if self.max is not None and self.raw > self.max:
                raise PydanticCustomError("score", "raw must not be above max")
        return self


class Result(XapiModel):
    """The outcome: score, success, completion, response, duration, extensions."""

    score: Score | None = None
    success: Bool | None = None
    completion: Bool | None = None
    response: StrictStr | None = None
    duration: Duration | None = None
    extensions: Extensions | None = None
