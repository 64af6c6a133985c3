from __future__ import annotations

from typing import TYPE_CHECKING

from guidelint.diagnostics import Severity
from guidelint.registry import Rule, register

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from guidelint.finding import Finding
    from guidelint.page import Page
    from guidelint.registry import PageContext


CODE = "GL490"


@register
class ClaimModel(Rule):
    """A sentence the statistical claims model scores as a likely overclaim, that no pattern rule
    flagged (opt-in, info).

    What it checks: every sentence of the page that no claim or figure rule of the packs
    (GL401-GL420) matched, outside sections whose heading rejects what follows ("Red flags"), is
    scored by a small logistic regression over generic cues, not words:
    modal verbs, negation, hedges, questions, outcome and promise words, intensifiers, generic
    subjects ("employers", "the industry"), "not just X but Y", a figure with no year or source in
    its paragraph, and which policies' rules have their words in the sentence (read from the
    packs: a claim a negation or a hedge let pass). At or above the threshold chosen by
    cross-validation on the sentences the rules leave, the sentence is reported, with the policy
    a naive Bayes model finds most likely. The weights are trained by ``python -m
    guidelint.claims.train`` from the dev split of the labeled real-text corpus, with the pattern
    rules' verdicts as training features, and shipped in the package
    (guidelint/claims/model_weights.json); nothing is downloaded. Scoring costs a few
    microseconds a sentence.

    Opt-in: the rule runs only when its full code is selected, ``guidelint check --extend-select
    GL490`` or ``extend_select = ["GL490"]`` in the configuration; ``--select GL4`` leaves it out.
    It belongs to the built-in pack's policy, so ``claims.builtin = false`` removes it too.
    Its precision, cross-validated on the dev split, is about one in three: too low to report by
    default (see docs/claims.md for the measured numbers). It reports at info, below the pattern rules, and it never explains
    itself the way a pattern does, so read each finding as "have a second look", not as a
    verdict.

    Why: real pages phrase overclaims in more ways than patterns anticipate; a statistical second
    opinion can point an editor at sentences the patterns miss.

    ```markdown fail
    ---
    title: Pay
    ---

    This career is not just a job but a stable, rewarding path.
    ```

    ```markdown pass
    ---
    title: Pay
    ---

    Some clinics train new staff on the job, and pay varies by region.
    ```
    """

    code = CODE
    name = "claim-model"
    summary = "A sentence the statistical claims model scores as a likely overclaim (opt-in)"
    severity = Severity.INFO
    opt_in = True

    def check(self, page: Page, ctx: PageContext) -> Iterable[Finding]:
        from guidelint.claims.integration import (
            _section_titles,
            engine_for,
            page_budget,
            page_matches,
        )
        from guidelint.claims.model import cue_policies, shipped

        engine = engine_for(ctx.config)
        # the sentences the pattern rules flag, whatever the run reports (the model is the tier
        # beyond the patterns); with the default selection this reuses the rules' own matches
        pack_codes = frozenset(r.code for r in engine.rules) | {f.code for f in engine.figure_rules}
        flagged = {si for si, _ in page_matches(page, ctx.config, ctx.selected | pack_codes)}
        model = shipped()
        predict, blocks = model.predict, page.blocks
        at, skip, paragraph = -1, False, ""
        reads = page_budget(page, ctx.config)  # limits.max_claim_chars (GL911)
        for si, sent in enumerate(page.sentences[: reads.stop]):
            if sent.block != at:  # (a block's sentences are consecutive)
                at = sent.block
                block = blocks[at]
                # the paragraph: read only for a year or a source near a figure
                paragraph = block.text
                # "Red flags", "What to avoid": the engine asserts no claim there, nor does GL490
                titles = _section_titles(page, block.section)
                skip = any(engine.rejects_what_follows(t) for t in titles)
            if skip or si in flagged or si in reads.long:
                continue
            # the cues: the pack rules whose words the sentence has (a claim that a negation or a
            # hedge let pass)
            hit = predict(sent.text, paragraph, cue_policies(engine, sent.text))
            if hit is None:
                continue
            p, policy = hit
            yield self.finding(
                page.sentence_span(sent),
                f"{policy}: the claims model scores this sentence {p:.2f} as a likely overclaim "
                f"that no pattern rule recognised (threshold {model.threshold:.2f}). Read it "
                "again: is it stated as a rule, a promise or a figure without source and period?",
            )
