"""Speech generation (GL395, GL396): a TTS model that needs a voice, and the multi-speaker limit."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..findings import Finding
from . import crossfield as xf

if TYPE_CHECKING:
    from . import CheckContext


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
