package app

import (
	"reflect"
	"sort"
)

func exportedMethods(v any) (string, []string) {
	t := reflect.TypeOf(v)
	var names []string
	for i := range t.NumMethod() {
		names = append(names, t.Method(i).Name)
	}
	sort.Strings(names)
	return t.String(), names
}
