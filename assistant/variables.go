package assistant

import (
	"regexp"
	"slices"
	"strings"
)

// variableRef is {{name}}, spaces allowed inside the braces.
var variableRef = regexp.MustCompile(`\{\{\s*([A-Za-z_][A-Za-z0-9_]{0,63})\s*\}\}`)

// RenderVariables fills {{name}} in text from vars. A name vars lacks
// renders empty and is returned in missing (each once, sorted).
func RenderVariables(text string, vars map[string]string) (out string, missing []string) {
	if !strings.Contains(text, "{{") {
		return text, nil
	}
	out = variableRef.ReplaceAllStringFunc(text, func(ref string) string {
		name := variableRef.FindStringSubmatch(ref)[1]
		v, ok := vars[name]
		if !ok && !slices.Contains(missing, name) {
			missing = append(missing, name)
		}
		return v
	})
	slices.Sort(missing)
	return out, missing
}

// WithVariables returns the configuration with {{name}} filled in from
// vars in everything it says or tells the model: the prompt, the welcome
// and every message and phrase. Names vars lacks render empty and are
// returned in missing.
func (c Config) WithVariables(vars map[string]string) (out Config, missing []string) {
	render := func(s *string) {
		if s == nil {
			return
		}
		r, m := RenderVariables(*s, vars)
		*s = r
		for _, name := range m {
			if !slices.Contains(missing, name) {
				missing = append(missing, name)
			}
		}
	}
	renderPtr := func(p **string) {
		if *p != nil {
			v := **p
			render(&v)
			*p = &v
		}
	}
	renderAll := func(ss *[]string) {
		*ss = slices.Clone(*ss)
		for i := range *ss {
			render(&(*ss)[i])
		}
	}
	out = c
	render(&out.LLMSettings.SystemPrompt)
	renderPtr(&out.LLMSettings.WelcomeMessage)
	renderPtr(&out.CallFlowSettings.OutboundWelcomeMessage)
	renderPtr(&out.IdleMessage)
	renderPtr(&out.EndCallMessage)
	renderPtr(&out.TransferCallMessage)
	renderPtr(&out.RecordingSettings.DisclosureMessage)
	renderPtr(&out.RecordingSettings.ConsentMessage)
	renderPtr(&out.VoicemailSettings.Message)
	renderPtr(&out.SilenceSettings.FinalMessage)
	renderPtr(&out.SilenceSettings.ReengagementPrompt)
	renderAll(&out.SilenceSettings.Messages)
	renderPtr(&out.ToolsSettings.EndCall.CustomMessage)
	renderPtr(&out.ToolsSettings.TransferCall.CustomMessage)
	renderPtr(&out.ToolsSettings.TransferCall.UnavailableMessage)
	targets := slices.Clone(out.ToolsSettings.AssistantTransfer.Targets)
	for i := range targets {
		renderPtr(&targets[i].Message)
	}
	out.ToolsSettings.AssistantTransfer.Targets = targets
	f := &out.FillerSettings
	for _, phrases := range []*[]string{&f.Positive, &f.Negative, &f.Question, &f.Neutral} {
		renderAll(phrases)
	}
	slices.Sort(missing)
	return out, missing
}
