package conversation

// MissingTranslations lists catalogue keys absent from some language.
func MissingTranslations() []string {
	var out []string
	for lang, msgs := range catalog {
		for key := range catalog["en"] {
			if _, ok := msgs[key]; !ok {
				out = append(out, lang+":"+string(key))
			}
		}
	}
	return out
}
