/** The path of a part URL MPR signs (relay mode): the guard opens it to its signature alone. `[1]` the upload id, `[2]` the part number. */
export const PART_PATH = /^\/api\/uploads\/([^/]{1,64})\/parts\/(\d{1,6})$/;
