"""Speech generation (GL395, GL396): a TTS model that needs a voice, and the multi-speaker limit."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..findings import Finding
from ..rule import Check, Rule
from . import request_queries as xf

if TYPE_CHECKING:
    from .context import CheckContext

SPEECH_CONFIG_REQUIRED = Rule(
    code='GL395',
    name='speech-config-required',
    severity='error',
    summary='A TTS model that needs speechConfig (a voice) asked without one',
    doc=r"""
        A TTS model that needs a voice asked without `speechConfig.voiceConfig` (or `multiSpeakerVoiceConfig`)
        (`features.speech_config_required: true`: gemini-3.1-flash-tts-preview). The API answers only `Request contains an
        invalid argument.`; the 2.5 preview TTS models fall back to a default voice. **Fix:** set
        `generationConfig.speechConfig.voiceConfig.prebuiltVoiceConfig.voiceName`. Source:
        github.com/genkit-ai/genkit/issues/5489 (a direct reproduction).
    """,
    evidence=(
        'https://github.com/genkit-ai/genkit/issues/5489',
    ),
    api_text=True,
    reads=('generationConfig.speechConfig', 'model'),
    repro=(
        'https://github.com/genkit-ai/genkit/issues/5489',
    ),
    facts={'apiMessage': 'Request contains an invalid argument.'},
)
TOO_MANY_SPEAKERS = Rule(
    code='GL396',
    name='too-many-speakers',
    severity='warning',
    summary='More speakers in multiSpeakerVoiceConfig than the API supports',
    doc=r"""
        `multiSpeakerVoiceConfig.speakerVoiceConfigs` with more than 2 speakers: Google's speech-generation guide supports up
        to two speakers in one request (as summarised in github.com/maximhq/bifrost/issues/6423 and
        github.com/iBUHub/AIStudioToAPI/issues/19). No verbatim answer was found, so a warning. **Fix:** at most two speakers.
    """,
    evidence=(
        'https://ai.google.dev/gemini-api/docs/speech-generation — multi-speaker: up to 2 speakers; as summarised in github.com/maximhq/bifrost/issues/6423 and github.com/iBUHub/AIStudioToAPI/issues/19',
    ),
    api_text=False,
    reads=('generationConfig.speechConfig',),
    facts={'max': 2},
)


def check_speech(ctx: CheckContext) -> Iterator[Finding]:
    for request in xf.generate_requests(ctx):
        gc = xf.generation_config(request)
        speech = xf.value(gc, "speechConfig")
        yield from _speech_config_required(ctx, request, gc, speech)
        yield from _too_many_speakers(ctx, speech)


def _speech_config_required(ctx: CheckContext, request, gc, speech) -> Iterator[Finding]:
    model = ctx.model
    if model is None or model.feature("speech_config_required") is not True:
        return
    if speech is not None and (xf.value(speech, "voiceConfig") is not None
                               or xf.value(speech, "multiSpeakerVoiceConfig") is not None):
        return
    anchor = xf.member(gc, "speechConfig") or xf.member(request, "generationConfig")
    facts = xf.fact("speech-config-required")
    message = (facts["apiMessage"] + f" ({model.id} needs a voice: set `generationConfig.speechConfig.voiceConfig."
               "prebuiltVoiceConfig.voiceName`, e.g. \"Kore\"; the 2.5 TTS models fall back to a default voice, this one "
               "does not.)")
    severity = xf.fact_severity(model, "features.speech_config_required", "speech-config-required")
    if anchor is not None:
        yield xf.at_key(ctx, "GL395", message, anchor, severity=severity)
    else:
        contents = xf.member(request, "contents")
        if contents is not None:
            yield xf.at_object(ctx, "GL395", message, request, contents.key, severity=severity)


def _too_many_speakers(ctx: CheckContext, speech) -> Iterator[Finding]:
    multi = xf.value(speech, "multiSpeakerVoiceConfig")
    m = xf.member(multi, "speakerVoiceConfigs")
    if m is None:
        return
    limit = xf.fact("too-many-speakers")["max"]
    speakers = xf.items(m.value)
    if len(speakers) <= limit:
        return
    yield xf.at_key(ctx, "GL396", f"multiSpeakerVoiceConfig has {len(speakers)} speakers; speech generation supports "
                    f"at most {limit} (Google's speech-generation guide). Merge speakers or split the dialogue.", m)


RULES = (SPEECH_CONFIG_REQUIRED, TOO_MANY_SPEAKERS,)
CHECKS = (Check("speech", "request", RULES, check_speech),)
