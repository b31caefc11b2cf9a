/** The query shapes every search benchmark measures, by label. */
export const QUERIES: Record<string, string> = {
  name: "github",
  task: "work with my github issues",
  broad: "database",
  typo: "slak",
  phrase: "take a screenshot of a web page",
  unknown_word: "kuberentes",
};
