"""Question blocks for the Quiz snippet, and the quiz block for module pages.

Each question is one child of the quiz's StreamField. Wagtail gives every stream child and
every list item a UUID that survives edits, so a question's xAPI activity IRI
(`activity_iri("question", <child id>)`) and its option ids stay the same across revisions.
`to_question()` turns a block value into the pure `assessments.questions.Question` the player
marks and records.
"""

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.list_block import ListBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.snippets.blocks import SnippetChooserBlock

from courses.activity import ActivityBlock

from .questions import FALSE, TRUE, Choice, Question
from .scoring import Kind

EXPLANATION_FEATURES = ["bold", "italic", "link", "ol", "ul"]


def _prompt_block():
    return blocks.TextBlock(
        label=_("Question"),
        help_text=_("What the learner is asked. Keep it short and plain."),
    )


def _explanation_block():
    return blocks.RichTextBlock(
        label=_("Explanation"),
        required=False,
        features=EXPLANATION_FEATURES,
        help_text=_(
            "Shown on the results page whatever the learner answered: why the answer is right."
        ),
    )


def _rich_source(value) -> str:
    return getattr(value, "source", value) or ""


def _wording(text: str) -> str:
    """What a learner reads: capitals and spacing make no difference to them."""
    return " ".join(text.split()).casefold()


def _answer_id(item_id) -> str:
    """A matching answer's id in the page: a keyed hash of its list item's id."""
    return salted_hmac("upstander.matching-answer", str(item_id)).hexdigest()[:20]


def _refuse_repeats(texts, *, field: str, message) -> None:
    """Two options a learner cannot tell apart, only one of them right, leave them guessing.
    Checked when publishing, not on a draft, which may be half-written (see `for_publishing`)."""
    wordings = [_wording(text) for text in texts]
    if len(set(wordings)) != len(wordings):
        raise StructBlockValidationError(block_errors={field: ValidationError(message)})


class OptionBlock(blocks.StructBlock):
    """One option of a choice question, with the feedback shown when a learner picks it."""

    text = blocks.CharBlock(label=_("Option"), max_length=300)
    correct = blocks.BooleanBlock(label=_("Correct"), required=False)
    feedback = blocks.TextBlock(
        label=_("Feedback"),
        required=False,
        help_text=_("Shown on review to learners who chose this option."),
    )

    class Meta:
        icon = "radio-full"
        label = _("Option")
        label_format = "{text}"


class QuestionBlock(blocks.StructBlock):
    """Base for the question blocks: each knows its kind and builds its pure Question."""

    kind: Kind
    # What each list of the question is called, for saying in plain words that it has too
    # few or too many items: Wagtail's own "The minimum number of items is 2" names neither.
    item_counts: dict[str, tuple] = {}

    def clean(self, value):
        try:
            return super().clean(value)
        except StructBlockValidationError as error:
            for name, (too_few, too_many) in self.item_counts.items():
                list_error = error.block_errors.get(name)
                if not isinstance(list_error, ListBlockValidationError):
                    continue
                meta = self.child_blocks[name].meta
                count = len(value[name])
                if meta.min_num is not None and count < meta.min_num:
                    plain = too_few
                elif meta.max_num is not None and count > meta.max_num:
                    plain = too_many
                else:
                    continue
                # Wagtail's only error about the list as a whole is its count.
                list_error.non_block_errors = ErrorList([ValidationError(plain)])
            raise

    def for_publishing(self) -> bool:
        """Are the checks of a finished question due? Not when saving a draft: Wagtail defers
        to publishing what a half-written question may lack (its required fields, its count
        of options), and so do this block's own checks, such as which option is right."""
        return not self.is_deferred_validation

    def to_question(self, value, question_id: str) -> Question:
        raise NotImplementedError

    def _options(self, value) -> tuple[Choice, ...]:
        return tuple(
            Choice(
                id=str(item.id),
                text=item.value["text"],
                correct=bool(item.value["correct"]),
                feedback=item.value["feedback"] or "",
            )
            for item in value["options"].bound_blocks
        )


class SingleChoiceQuestionBlock(QuestionBlock):
    """A question with several options, exactly one of them right."""

    prompt = _prompt_block()
    options = blocks.ListBlock(OptionBlock(), min_num=2, label=_("Options"))
    explanation = _explanation_block()

    kind = Kind.SINGLE_CHOICE
    item_counts = {"options": (_("Add at least two options."), None)}

    class Meta:
        icon = "radio-empty"
        label = _("Single choice")
        label_format = "{prompt}"
        description = _("Learners choose one option; exactly one is correct.")

    def clean(self, value):
        value = super().clean(value)
        if not self.for_publishing():
            return value
        if sum(1 for option in value["options"] if option["correct"]) != 1:
            raise StructBlockValidationError(
                block_errors={"options": ValidationError(_("Mark exactly one option correct."))}
            )
        _refuse_repeats(
            [option["text"] for option in value["options"]],
            field="options",
            message=_("Give each option different words."),
        )
        return value

    def to_question(self, value, question_id: str) -> Question:
        return Question(
            id=question_id,
            kind=self.kind,
            prompt=value["prompt"],
            explanation=_rich_source(value["explanation"]),
            choices=self._options(value),
        )


class MultipleResponseQuestionBlock(SingleChoiceQuestionBlock):
    """A question where learners tick every option that applies; partial credit is given
    (see assessments/scoring.py)."""

    kind = Kind.MULTIPLE_RESPONSE

    class Meta:
        icon = "tick-inverse"
        label = _("Multiple response")
        label_format = "{prompt}"
        description = _(
            "Learners tick every option that applies. Partial credit: each correct tick earns a "
            "share, each wrong tick cancels one, never below zero."
        )

    def clean(self, value):
        value = QuestionBlock.clean(self, value)
        if not self.for_publishing():
            return value
        if not any(option["correct"] for option in value["options"]):
            raise StructBlockValidationError(
                block_errors={"options": ValidationError(_("Mark at least one option correct."))}
            )
        _refuse_repeats(
            [option["text"] for option in value["options"]],
            field="options",
            message=_("Give each option different words."),
        )
        return value


class TrueFalseQuestionBlock(QuestionBlock):
    """A statement the learner says is true or false."""

    prompt = blocks.TextBlock(
        label=_("Statement"), help_text=_("A statement that is true or false.")
    )
    answer = blocks.ChoiceBlock(
        label=_("The statement is"),
        choices=[(TRUE, _("True")), (FALSE, _("False"))],
        default=TRUE,
    )
    feedback_true = blocks.TextBlock(label=_("Feedback if they answer true"), required=False)
    feedback_false = blocks.TextBlock(label=_("Feedback if they answer false"), required=False)
    explanation = _explanation_block()

    kind = Kind.TRUE_FALSE

    class Meta:
        icon = "tick"
        label = _("True or false")
        label_format = "{prompt}"
        description = _("Learners say whether a statement is true or false.")

    def to_question(self, value, question_id: str) -> Question:
        return Question(
            id=question_id,
            kind=self.kind,
            prompt=value["prompt"],
            explanation=_rich_source(value["explanation"]),
            choices=(
                Choice(TRUE, str(_("True")), value["answer"] == TRUE, value["feedback_true"] or ""),
                Choice(
                    FALSE, str(_("False")), value["answer"] == FALSE, value["feedback_false"] or ""
                ),
            ),
        )


class OrderingQuestionBlock(QuestionBlock):
    """Steps the learner puts in order; the player shows them shuffled."""

    prompt = _prompt_block()
    items = blocks.ListBlock(
        blocks.CharBlock(label=_("Step"), max_length=300),
        min_num=2,
        max_num=8,
        label=_("Steps, in the correct order"),
        help_text=_("Learners see them shuffled and put them back in this order."),
    )
    explanation = _explanation_block()

    kind = Kind.ORDERING
    item_counts = {
        "items": (_("Add at least two steps."), _("Give no more than eight steps.")),
    }

    class Meta:
        icon = "list-ol"
        label = _("Ordering")
        label_format = "{prompt}"
        description = _("Learners put steps in the right order. Partial credit per step.")

    def clean(self, value):
        value = super().clean(value)
        if not self.for_publishing():
            return value
        _refuse_repeats(value["items"], field="items", message=_("Give each step different words."))
        return value

    def to_question(self, value, question_id: str) -> Question:
        items = tuple(
            Choice(id=str(item.id), text=item.value) for item in value["items"].bound_blocks
        )
        return Question(
            id=question_id,
            kind=self.kind,
            prompt=value["prompt"],
            explanation=_rich_source(value["explanation"]),
            choices=items,
            correct_order=tuple(item.id for item in items),
        )


class MatchingPairBlock(blocks.StructBlock):
    """A prompt and the answer it matches."""

    prompt = blocks.CharBlock(label=_("Prompt"), max_length=300)
    answer = blocks.CharBlock(label=_("Matching answer"), max_length=300)

    class Meta:
        icon = "link"
        label = _("Pair")
        label_format = "{prompt}"


class MatchingQuestionBlock(QuestionBlock):
    """Prompts the learner pairs with answers chosen from a list."""

    prompt = _prompt_block()
    pairs = blocks.ListBlock(MatchingPairBlock(), min_num=2, max_num=8, label=_("Pairs"))
    distractors = blocks.ListBlock(
        blocks.CharBlock(label=_("Wrong answer"), max_length=300),
        required=False,
        default=[],
        label=_("Extra wrong answers"),
        help_text=_("Optional answers that match no prompt."),
    )
    explanation = _explanation_block()

    kind = Kind.MATCHING
    item_counts = {
        "pairs": (_("Add at least two pairs."), _("Give no more than eight pairs.")),
    }

    class Meta:
        icon = "link"
        label = _("Matching")
        label_format = "{prompt}"
        description = _("Learners pair each prompt with an answer. Partial credit per pair.")

    def clean(self, value):
        value = super().clean(value)
        if not self.for_publishing():
            return value
        _refuse_repeats(
            [pair["prompt"] for pair in value["pairs"]],
            field="pairs",
            message=_("Give each prompt different words."),
        )
        return value

    def to_question(self, value, question_id: str) -> Question:
        # Answers with the same wording (whatever the capitals and spacing: the learner could
        # not tell them apart) are one answer, so two prompts can share it. An
        # answer's id must not say which prompt it matches (the page carries the ids): it is
        # a keyed hash of the pair's id, the same every time, which only the server can make.
        # A wrong answer's id is made the same way, so its id does not set it apart either.
        targets: dict[str, Choice] = {}
        sources = []
        for item in value["pairs"].bound_blocks:
            text = item.value["answer"].strip()
            target = targets.setdefault(_wording(text), Choice(id=_answer_id(item.id), text=text))
            sources.append(Choice(id=str(item.id), text=item.value["prompt"], match=target.id))
        for item in value["distractors"].bound_blocks:
            text = item.value.strip()
            if text:
                targets.setdefault(_wording(text), Choice(id=_answer_id(item.id), text=text))
        return Question(
            id=question_id,
            kind=self.kind,
            prompt=value["prompt"],
            explanation=_rich_source(value["explanation"]),
            choices=tuple(sources),
            targets=tuple(targets.values()),
        )


class QuestionStreamBlock(blocks.StreamBlock):
    """A quiz's questions, in order."""

    single_choice = SingleChoiceQuestionBlock()
    multiple_response = MultipleResponseQuestionBlock()
    true_false = TrueFalseQuestionBlock()
    ordering = OrderingQuestionBlock()
    matching = MatchingQuestionBlock()

    class Meta:
        min_num = 1


def questions_from_stream(stream_value) -> list[Question]:
    """The pure Questions of a quiz's StreamField value, in authored order."""
    return [child.block.to_question(child.value, str(child.id)) for child in stream_value]


class QuizBlock(ActivityBlock):
    """A quiz in a module page. Passing it completes the quiz activity, which (when
    required) counts towards completing the module."""

    quiz = SnippetChooserBlock("assessments.Quiz", label=_("Quiz"))
    required = blocks.BooleanBlock(
        required=False,
        default=True,
        label=_("Required to complete the module"),
    )

    activity_kind = "quiz"
    content_field = "quiz"

    class Meta:
        icon = "tasks"
        label = _("Quiz")
        template = "assessments/blocks/quiz.html"
        description = _("A quiz the learner must pass to complete the module.")

    def get_context(self, value, parent_context=None):
        from .selectors import quiz_status

        context = super().get_context(value, parent_context=parent_context)
        quiz = value.get("quiz")
        page = (parent_context or {}).get("page")
        request = (parent_context or {}).get("request")
        user = getattr(request, "user", None)
        if quiz is not None and getattr(user, "is_authenticated", False):
            context["quiz_status"] = quiz_status(learner=user, quiz=quiz, module=page)
        return context
